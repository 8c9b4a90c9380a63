using System.CommandLine;
using System.ComponentModel.DataAnnotations;
using Bulwark.Cli.DeadLetters;
using Bulwark.Cli.Drills;
using Bulwark.Cli.Releases;
using Bulwark.Drills.DatabaseSwap;
using Bulwark.Drills.Drift;
using Bulwark.Cli.Edge;
using Bulwark.Drills.Hostile;
using Bulwark.Drills.LegacyErp;
using Bulwark.Drills.Model;
using Bulwark.Drills.Switches;
using Bulwark.Drills.Targets;
using Spectre.Console;

namespace Bulwark.Cli;

/// <summary><c>bulwark drill list</c>, <c>bulwark drill run &lt;name&gt;|all</c>, <c>bulwark dlq ...</c>, <c>bulwark release ...</c> and <c>bulwark edge ...</c>.</summary>
internal static class BulwarkCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        // Live progress only on a terminal: redirected output and tests get the tables alone.
        var live = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var root = Build(console, error, live);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                await error.WriteLineAsync(parseError.Message).ConfigureAwait(false);
            }

            await error.WriteLineAsync("Usage: bulwark drill list | bulwark drill run <name>|all --target http://127.0.0.1:5100 [--dependency payments=http://127.0.0.1:5101] (see bulwark drill run --help).").ConfigureAwait(false);
            return ExitCodes.InconclusiveOrUsage;
        }

        return await parsed.InvokeAsync().ConfigureAwait(false);
    }

    private static RootCommand Build(IAnsiConsole console, TextWriter error, bool live)
    {
        var list = new Command("list", "Lists the drills, the Codex question each answers and the patterns it tests.");
        list.SetAction(_ =>
        {
            var table = new Table().AddColumn("Drill").AddColumn("Codex question").AddColumn("Patterns");
            foreach (var drill in DrillCatalog.All())
            {
                table.AddRow(Markup.Escape(drill.Name), Markup.Escape(drill.Question), Markup.Escape(string.Join(", ", drill.Patterns)));
            }

            console.Write(table);
            return ExitCodes.Passed;
        });

        var name = new Argument<string>("name") { Description = "The drill: " + string.Join(", ", DrillCatalog.Names) + ", or all (the whole catalogue, one report)." };
        var target = new Option<string>("--target") { Description = "The service under test (loopback only).", DefaultValueFactory = _ => "http://127.0.0.1:5100" };
        var dependency = new Option<string[]>("--dependency") { Description = "NAME=URL: a dependency the drills may break through its /_control/faults (e.g. payments=http://127.0.0.1:5101), or NAME=proxy:LISTEN:UPSTREAM: a fault proxy on 127.0.0.1:LISTEN in front of 127.0.0.1:UPSTREAM (point the service at LISTEN). swapped=URL is the database-swap drill's second shop (the same build on the other database). Repeatable.", Arity = ArgumentArity.ZeroOrMore };
        var paymentControl = new Option<string?>("--payment-control") { Description = "Same as --dependency payments=URL." };
        var recommendationsControl = new Option<string?>("--recommendations-control") { Description = "Same as --dependency recommendations=URL." };
        var criticalProxy = new Option<string?>("--critical-proxy") { Description = "Same as --dependency critical=proxy:LISTEN:UPSTREAM." };
        var set = new Option<string[]>("--set", "--threshold") { Description = "[drill.]Option=value: overrides a drill option, e.g. plug-pull.BrowseP99Threshold=800ms or Duration=5s (every drill that has it). Repeatable.", Arity = ArgumentArity.ZeroOrMore };
        var skip = new Option<string[]>("--skip") { Description = "With 'all': a drill to leave out (reported as skipped). Repeatable.", Arity = ArgumentArity.ZeroOrMore };
        var reportDir = new Option<string>("--report-dir") { Description = "Where the HTML, JSON and Markdown reports go.", DefaultValueFactory = _ => Path.Combine("drills", "reports") };
        var duration = new Option<int?>("--duration") { Description = "Overrides the drill's load (or observation) duration, in seconds." };
        var apiKey = new Option<string?>("--api-key") { Description = "Sent as X-Api-Key on the drill's own traffic (not the DDoS drill's noisy and quiet callers), so a rate-limited service serves it from its own tier." };
        var fault = new Option<DependencyFault?>("--fault") { Description = "Plug-Pull only: Down (refused, the default) or Blackhole (hangs like a pulled cable)." };
        var targetEnvironment = new Option<string>("--target-environment") { Description = "Hostile only: the target's environment. In Development /metrics and /admin/* may be public, so that check is informational.", DefaultValueFactory = _ => "Production" };
        var idleConnections = new Option<int?>("--idle-connections") { Description = "Hostile only: idle connections held open from 127.0.0.2 while a customer is served (0 to 20,000; 0 skips; default 2,000)." };
        var management = new Option<string?>("--management") { Description = "Hostile only: the target's management URL (e.g. http://127.0.0.1:5109), where operator endpoints live outside Development." };
        var oversizeRounds = new Option<int?>("--oversize-rounds") { Description = "Hostile only: rounds of 1.1 MB and 3.3 MB bodies to every idempotent endpoint (1 to 50; default 2)." };
        var releaseFolder = new Option<string?>("--release-folder") { Description = "Drift only: the release folder the target runs from (made by bulwark release build); the drill changes a setting in it and puts it back." };
        var bus = new Option<string?>("--bus") { Description = "The target's message bus, for the message drills (idempotency, ordering): sqlite:<the target's data folder>/messaging.db." };
        var run = new Command("run", "Runs one drill, or all of them: injects its faults, applies its load, judges, restores, writes reports (HTML with charts, JSON, Markdown). Exit code 0 passed, 1 failed, 2 inconclusive or bad usage.")
        {
            name, target, dependency, paymentControl, recommendationsControl, criticalProxy, set, skip, reportDir, duration, fault, apiKey,
            targetEnvironment, idleConnections, oversizeRounds, management, releaseFolder, bus,
        };
        run.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var dependencies = new List<string>(parse.GetValue(dependency) ?? []);
                AddLegacy(dependencies, "payments", parse.GetValue(paymentControl));
                AddLegacy(dependencies, "recommendations", parse.GetValue(recommendationsControl));
                AddLegacy(dependencies, "critical", parse.GetValue(criticalProxy) is { } spec ? "proxy:" + spec : null);
                // The database-swap drill's second shop is a second target, not a dependency with fault controls.
                var swappedShop = DependencyUrl(dependencies, DatabaseSwapDrill.Dependency);
                dependencies.RemoveAll(d => string.Equals(d.Split('=', 2)[0].Trim(), DatabaseSwapDrill.Dependency, StringComparison.OrdinalIgnoreCase));
                var request = new DrillRunRequest(
                    parse.GetValue(name)!,
                    parse.GetValue(target)!,
                    dependencies,
                    WithDerivedDefaults(DrillOptionOverrides.Parse(parse.GetValue(set) ?? []), DependencyUrl(dependencies, "payments"), DependencyUrl(dependencies, LegacyErpDrill.Dependency), swappedShop),
                    parse.GetValue(skip) ?? [],
                    parse.GetValue(reportDir)!,
                    parse.GetValue(duration),
                    parse.GetValue(fault),
                    parse.GetValue(apiKey),
                    HostileFrom(parse.GetValue(targetEnvironment)!, parse.GetValue(idleConnections), parse.GetValue(oversizeRounds), parse.GetValue(paymentControl) ?? DependencyUrl(dependencies, "payments"), parse.GetValue(management)),
                    new DriftOptions
                    {
                        ReleaseFolder = parse.GetValue(releaseFolder),
                        MetricsUrl = parse.GetValue(management) is { } m ? LoopbackTarget.Parse(m) : null,
                    },
                    parse.GetValue(bus));
                return await DrillRun.RunAsync(console, live, request, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NonLoopbackTargetException or ArgumentException or ValidationException or UsageException)
            {
                await error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return ExitCodes.InconclusiveOrUsage;
            }
        });

        return new RootCommand("bulwark: the Codex's checklist questions as fault-and-load drills against a loopback service.")
        {
            new Command("drill", "Lists and runs drills.") { list, run },
            DeadLetterCommand.Build(console, error),
            ReleaseCommand.Build(console, error),
            EdgeCommand.Build(console, error),
        };
    }

    private static HostileOptions HostileFrom(string environment, int? idleConnections, int? oversizeRounds, string? paymentControl, string? management)
    {
        var options = new HostileOptions
        {
            TargetIsDevelopment = environment.ToUpperInvariant() switch
            {
                "DEVELOPMENT" => true,
                "PRODUCTION" or "STAGING" => false,
                _ => throw new UsageException($"--target-environment '{environment}' is not Development, Staging or Production."),
            },
            // The payment stand-in serves its ledger (GET /charges) beside its fault controls.
            ProviderUrl = paymentControl is null ? null : LoopbackTarget.Parse(paymentControl),
            ManagementUrl = management is null ? null : LoopbackTarget.Parse(management),
        };
        options.IdleConnections = idleConnections ?? options.IdleConnections;
        options.OversizeRounds = oversizeRounds ?? options.OversizeRounds;
        return options;
    }

    // The payment stand-in serves its ledger (GET /charges) beside its fault controls: drills that audit money read it there.
    // The legacy ERP stand-in serves its export and its controls on the URL --dependency erp names.
    // The database-swap drill's second shop (the same build on the other database) is --dependency swapped=URL.
    private static DrillOptionOverrides WithDerivedDefaults(DrillOptionOverrides overrides, string? payments, string? erp, string? swapped)
    {
        var derived = payments is null ? overrides : overrides.WithDefault("partial-failure", "ProviderUrl", payments);
        derived = erp is null ? derived : derived.WithDefault("legacy-erp", "ErpUrl", erp);
        return swapped is null ? derived : derived.WithDefault("database-swap", "SwappedUrl", swapped);
    }

    private static void AddLegacy(List<string> dependencies, string name, string? value)
    {
        if (value is not null)
        {
            dependencies.Add(name + "=" + value);
        }
    }

    private static string? DependencyUrl(List<string> dependencies, string name) =>
        dependencies.Select(d => d.Split('=', 2)).FirstOrDefault(p => p.Length == 2 && string.Equals(p[0].Trim(), name, StringComparison.OrdinalIgnoreCase) && !p[1].StartsWith("proxy:", StringComparison.OrdinalIgnoreCase))?[1].Trim();
}
