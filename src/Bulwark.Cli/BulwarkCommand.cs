using System.CommandLine;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Bulwark.Cli.DeadLetters;
using Bulwark.Cli.Edge;
using Bulwark.Drills.Hostile;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Proxy;
using Bulwark.Drills.Reports;
using Bulwark.Drills.Switches;
using Bulwark.Drills.Targets;
using Spectre.Console;

namespace Bulwark.Cli;

/// <summary><c>bulwark drill list</c>, <c>bulwark drill run &lt;name&gt;</c>, <c>bulwark dlq ...</c> and <c>bulwark edge ...</c>.</summary>
internal static class BulwarkCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        var root = Build(console, error);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                await error.WriteLineAsync(parseError.Message).ConfigureAwait(false);
            }

            await error.WriteLineAsync("Usage: bulwark drill list | bulwark drill run <name> --target http://127.0.0.1:5100 [--payment-control http://127.0.0.1:5101] (see bulwark drill run --help).").ConfigureAwait(false);
            return ExitCodes.InconclusiveOrUsage;
        }

        return await parsed.InvokeAsync().ConfigureAwait(false);
    }

    private static RootCommand Build(IAnsiConsole console, TextWriter error)
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

        var name = new Argument<string>("name") { Description = "The drill: " + string.Join(", ", DrillCatalog.Names) + "." };
        var target = new Option<string>("--target") { Description = "The service under test (loopback only).", DefaultValueFactory = _ => "http://127.0.0.1:5100" };
        var paymentControl = new Option<string?>("--payment-control") { Description = "The payment provider stand-in's base URL, whose /_control/faults the drill switches (e.g. http://127.0.0.1:5101)." };
        var recommendationsControl = new Option<string?>("--recommendations-control") { Description = "The recommendations stand-in's base URL (e.g. http://127.0.0.1:5102)." };
        var criticalProxy = new Option<string?>("--critical-proxy") { Description = "LISTEN:UPSTREAM ports: run a fault proxy on 127.0.0.1:LISTEN in front of 127.0.0.1:UPSTREAM as the 'critical' dependency (point the service at LISTEN)." };
        var reportDir = new Option<string>("--report-dir") { Description = "Where the JSON and Markdown reports go.", DefaultValueFactory = _ => Path.Combine("drills", "reports") };
        var duration = new Option<int?>("--duration") { Description = "Overrides the drill's load (or observation) duration, in seconds." };
        var apiKey = new Option<string?>("--api-key") { Description = "Sent as X-Api-Key on the drill's own traffic (not the DDoS drill's noisy and quiet callers), so a rate-limited service serves it from its own tier." };
        var fault = new Option<DependencyFault?>("--fault") { Description = "Plug-Pull only: Down (refused, the default) or Blackhole (hangs like a pulled cable)." };
        var targetEnvironment = new Option<string>("--target-environment") { Description = "Hostile only: the target's environment. In Development /metrics and /admin/* may be public, so that check is informational.", DefaultValueFactory = _ => "Production" };
        var idleConnections = new Option<int?>("--idle-connections") { Description = "Hostile only: idle connections held open from 127.0.0.2 while a customer is served (0 to 20,000; 0 skips; default 2,000)." };
        var management = new Option<string?>("--management") { Description = "Hostile only: the target's management URL (e.g. http://127.0.0.1:5109), where operator endpoints live outside Development." };
        var oversizeRounds = new Option<int?>("--oversize-rounds") { Description = "Hostile only: rounds of 1.1 MB and 3.3 MB bodies to every idempotent endpoint (1 to 50; default 2)." };
        var run = new Command("run", "Runs one drill: injects its faults, applies its load, judges, restores, writes reports. Exit code 0 passed, 1 failed, 2 inconclusive or bad usage.")
        {
            name, target, paymentControl, recommendationsControl, criticalProxy, reportDir, duration, fault, apiKey,
            targetEnvironment, idleConnections, oversizeRounds, management,
        };
        run.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                return await RunDrillAsync(
                    console,
                    parse.GetValue(name)!,
                    parse.GetValue(target)!,
                    parse.GetValue(paymentControl),
                    parse.GetValue(recommendationsControl),
                    parse.GetValue(criticalProxy),
                    parse.GetValue(reportDir)!,
                    parse.GetValue(duration),
                    parse.GetValue(fault),
                    parse.GetValue(apiKey),
                    HostileFrom(parse.GetValue(targetEnvironment)!, parse.GetValue(idleConnections), parse.GetValue(oversizeRounds), parse.GetValue(paymentControl), parse.GetValue(management)),
                    cancellationToken).ConfigureAwait(false);
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
            EdgeCommand.Build(console, error),
        };
    }

    private static async Task<int> RunDrillAsync(
        IAnsiConsole console, string name, string targetText, string? paymentControl, string? recommendationsControl,
        string? criticalProxy, string reportDir, int? durationSeconds, DependencyFault? fault, string? apiKey, HostileOptions hostile, CancellationToken cancellationToken)
    {
        var target = LoopbackTarget.Parse(targetText);
        if (durationSeconds is <= 0 or > 300)
        {
            throw new UsageException($"--duration {durationSeconds} is out of range; give 1 to 300 seconds.");
        }

        var drill = DrillCatalog.Create(name, durationSeconds is { } s ? TimeSpan.FromSeconds(s) : null, fault, hostile)
            ?? throw new UsageException($"No drill named '{name}'. Try one of: {string.Join(", ", DrillCatalog.Names)} (bulwark drill list).");

        var time = TimeProvider.System;
        var dependencies = new List<IDependencySwitch>();
        if (paymentControl is not null)
        {
            dependencies.Add(new StandInFaultSwitch("payments", LoopbackTarget.Parse(paymentControl)));
        }

        if (recommendationsControl is not null)
        {
            dependencies.Add(new StandInFaultSwitch("recommendations", LoopbackTarget.Parse(recommendationsControl)));
        }

        var proxy = criticalProxy is null ? null : StartProxy(criticalProxy, time);
        try
        {
            if (proxy is not null)
            {
                dependencies.Add(new ProxyDependencySwitch("critical", proxy));
            }

            var headers = apiKey is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["X-Api-Key"] = apiKey };
            return await RunWithAsync(console, drill, target, time, dependencies, headers, reportDir, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (proxy is not null)
            {
                await proxy.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<int> RunWithAsync(
        IAnsiConsole console, IDrill drill, Uri target, TimeProvider time, List<IDependencySwitch> dependencies, Dictionary<string, string> headers, string reportDir, CancellationToken cancellationToken)
    {
        var context = new DrillContext(target, time, new LoadGenerator(time), dependencies, headers);
        console.MarkupLine(CultureInfo.InvariantCulture, "[bold]{0}[/] against {1}: {2}", Markup.Escape(drill.Title), Markup.Escape(target.ToString()), Markup.Escape(drill.Question));
        var report = await new DrillRunner(time).RunAsync(drill, context, cancellationToken).ConfigureAwait(false);
        var (jsonPath, markdownPath) = await DrillReportWriter.WriteAsync(report, reportDir, CancellationToken.None).ConfigureAwait(false);
        Print(console, report);
        console.MarkupLine(CultureInfo.InvariantCulture, "Reports: {0}, {1}", Markup.Escape(jsonPath), Markup.Escape(markdownPath));
        return ExitCodes.For(report.Verdict.Outcome);
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

    private static FaultProxy StartProxy(string spec, TimeProvider time)
    {
        var parts = spec.Split(':');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var listen)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var upstream))
        {
            throw new UsageException($"--critical-proxy '{spec}' is not LISTEN:UPSTREAM; e.g. --critical-proxy 15432:5432 proxies 127.0.0.1:15432 to PostgreSQL on 5432.");
        }

        return new FaultProxy(new FaultProxyOptions { ListenPort = listen, UpstreamPort = upstream }, time).Start();
    }

    private static void Print(IAnsiConsole console, DrillReport report)
    {
        var table = new Table().AddColumn("Figure").AddColumn(new TableColumn("Value").RightAligned()).AddColumn("Threshold").AddColumn("OK");
        foreach (var f in report.Verdict.Figures)
        {
            var ok = f.Ok switch { true => "[green]yes[/]", false => "[red]no[/]", null => "" };
            table.AddRow(
                Markup.Escape(f.Name),
                Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{f.Value:0.##} {f.Unit}")),
                Markup.Escape(f.Threshold ?? ""),
                ok);
        }

        if (report.Verdict.Figures.Count > 0)
        {
            console.Write(table);
        }

        var colour = report.Verdict.Outcome switch
        {
            DrillOutcome.Passed => "green",
            DrillOutcome.Failed => "red",
            _ => "yellow",
        };
        console.MarkupLine(CultureInfo.InvariantCulture, "[{0} bold]{1}[/]: {2}", colour, report.Verdict.Outcome.ToString().ToUpperInvariant(), Markup.Escape(report.Verdict.Reason));
        foreach (var finding in report.Verdict.Findings)
        {
            console.MarkupLine(CultureInfo.InvariantCulture, "  - {0}", Markup.Escape(finding));
        }
    }
}
