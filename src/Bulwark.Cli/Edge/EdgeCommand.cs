using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Cli.Operators;
using Spectre.Console;

namespace Bulwark.Cli.Edge;

/// <summary>
/// <c>bulwark edge status|switch|canary|weight|analyse|promote|rollback|flip</c>: the edge's operator endpoints
/// (<c>/edge/...</c>, docs/edge.md) from a terminal. A refusal by the edge (unknown slot, a switch already running,
/// a failed smoke gate) prints its problem detail and exits 1.
/// </summary>
internal static class EdgeCommand
{
    private const string ApiKeyVariable = "BULWARK_EDGE_KEY";

    public static Command Build(IAnsiConsole console, TextWriter error)
    {
        var target = new Option<string>("--edge") { Description = "The edge (http only on loopback; https elsewhere, the key must not travel in clear text).", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var apiKey = new Option<string?>("--api-key") { Description = $"The edge's operator key, sent as X-Api-Key (default: the {ApiKeyVariable} environment variable)." };
        var slot = new Argument<string>("slot") { Description = "A release slot named in Edge:Release:Slots, e.g. green." };
        var canarySlot = new Argument<string>("slot") { Description = "The slot to roll out as the canary." };
        var percent = new Argument<double>("percent") { Description = "The canary's share of customers, 0 to 100." };
        var route = new Argument<string>("route") { Description = "A strangled route named in Edge:Strangler:Routes." };
        var side = new Argument<string>("side") { Description = "legacy or new." };

        var status = new Command("status", "Prints the live slot, the canary, its weight and phase, the blast radius, the last decisions and the strangled routes.");
        status.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            using var release = await api.SendAsync(HttpMethod.Get, "/edge/release", null, ct).ConfigureAwait(false);
            var root = release.RootElement;
            var state = root.GetProperty("state");
            var table = new Table().AddColumn("Live").AddColumn("Canary").AddColumn(new TableColumn("Weight %").RightAligned()).AddColumn("Phase").AddColumn(new TableColumn("Blast radius").RightAligned());
            var blast = root.GetProperty("blastRadius");
            table.AddRow(
                Markup.Escape(Text(state, "live")),
                Markup.Escape(Text(state, "canary")),
                state.GetProperty("weight").GetDouble().ToString("0.##", CultureInfo.InvariantCulture),
                Markup.Escape(Text(state, "phase")),
                string.Create(CultureInfo.InvariantCulture, $"{blast.GetProperty("errors").GetInt64()} of {blast.GetProperty("requests").GetInt64()} ({blast.GetProperty("errorShare").GetDouble():P2})"));
            console.Write(table);
            foreach (var decision in root.GetProperty("decisions").EnumerateArray().TakeLast(5))
            {
                console.MarkupLine(CultureInfo.InvariantCulture, "{0}  {1}  {2}", Markup.Escape(Text(decision, "at")), Markup.Escape(Text(decision, "action")), Markup.Escape(Text(decision, "detail")));
            }

            using var strangler = await api.SendAsync(HttpMethod.Get, "/edge/strangler", null, ct).ConfigureAwait(false);
            var routes = new Table().AddColumn("Route").AddColumn("Target").AddColumn("Zombie");
            foreach (var r in strangler.RootElement.GetProperty("routes").EnumerateArray())
            {
                routes.AddRow(Markup.Escape(Text(r, "name")), Markup.Escape(Text(r, "target")), Markup.Escape(r.TryGetProperty("zombie", out var z) ? Text(z, "state") + ": " + Text(z, "reason") : "-"));
            }

            console.Write(routes);
        }));

        var @switch = new Command("switch", "Switches every customer to a slot after its smoke gate, then waits for the old slot to drain.") { slot };
        @switch.SetAction((parse, ct) => Command(parse, HttpMethod.Post, "/edge/release/switch", new { slot = parse.GetValue(slot) }, ct));
        var canary = new Command("canary", "Starts a canary of a slot at the first step, after its smoke gate.") { canarySlot };
        canary.SetAction((parse, ct) => Command(parse, HttpMethod.Post, "/edge/release/canary", new { slot = parse.GetValue(canarySlot) }, ct));
        var weight = new Command("weight", "Sets the canary's weight by hand.") { percent };
        weight.SetAction((parse, ct) => Command(parse, HttpMethod.Put, "/edge/release/canary/weight", new { weight = parse.GetValue(percent) }, ct));
        var analyse = new Command("analyse", "Runs the canary analysis now instead of waiting for its interval.");
        analyse.SetAction((parse, ct) => Command(parse, HttpMethod.Post, "/edge/release/canary/analyse", null, ct));
        var promote = new Command("promote", "Makes the canary live now, skipping its remaining steps.");
        promote.SetAction((parse, ct) => Command(parse, HttpMethod.Post, "/edge/release/canary/promote", null, ct));
        var rollback = new Command("rollback", "Sends every customer back to the live slot now.");
        rollback.SetAction((parse, ct) => Command(parse, HttpMethod.Post, "/edge/release/canary/rollback", null, ct));
        var flip = new Command("flip", "Routes a strangled path to its legacy or new side, at once, without a restart.") { route, side };
        flip.SetAction((parse, ct) => Command(parse, HttpMethod.Put, $"/edge/strangler/{Uri.EscapeDataString(parse.GetValue(route)!)}/target", new { target = parse.GetValue(side) }, ct));

        var command = new Command("edge", "Operates the edge: blue-green switches, canaries, strangler flips, cells (docs/edge.md, docs/cells.md).") { status, @switch, canary, weight, analyse, promote, rollback, flip, Cells() };
        foreach (var option in new Option[] { target, apiKey })
        {
            option.Recursive = true;
            command.Options.Add(option);
        }

        return command;

        Command Cells()
        {
            var customer = new Argument<string>("customer") { Description = "A customer id (the token's sub, or X-Customer-Id)." };
            var cell = new Argument<string>("cell") { Description = "A cell named in Edge:Cells:Cells, e.g. cell-b." };
            var mark = new Argument<string>("mark") { Description = "Open, Draining (no new customers) or Down (its customers get 503)." };
            var show = new Command("status", "Prints each cell: health, mark, customers, capacity, buckets.");
            show.SetAction((parse, ct) => RunAsync(parse, async api =>
            {
                using var report = await api.SendAsync(HttpMethod.Get, "/edge/cells", null, ct).ConfigureAwait(false);
                var table = new Table().AddColumn("Cell").AddColumn("Serving").AddColumn("Mark").AddColumn(new TableColumn("Customers").RightAligned()).AddColumn(new TableColumn("Capacity").RightAligned()).AddColumn(new TableColumn("Buckets").RightAligned()).AddColumn("Down because");
                foreach (var c in report.RootElement.GetProperty("cells").EnumerateArray())
                {
                    table.AddRow(Markup.Escape(Text(c, "name")), Text(c, "serving"), Markup.Escape(Text(c, "mark")), Text(c, "customers"), Text(c, "capacity"), Text(c, "buckets"), Markup.Escape(Text(c, "downReason")));
                }

                console.Write(table);
                console.MarkupLine(CultureInfo.InvariantCulture, "routing {0}, {1} overrides, global paths served by {2}", Markup.Escape(Text(report.RootElement, "routing")), Text(report.RootElement, "overrides"), Markup.Escape(Text(report.RootElement, "globalCell")));
            }));
            var pin = new Command("pin", "Routes one customer to a cell (their data is not copied; see move).") { customer, cell };
            pin.SetAction((parse, ct) => Command(parse, HttpMethod.Put, $"/edge/cells/customers/{Uri.EscapeDataString(parse.GetValue(customer)!)}", new { cell = parse.GetValue(cell) }, ct));
            var markCommand = new Command("mark", "Marks a cell Open, Draining or Down.") { cell, mark };
            markCommand.SetAction((parse, ct) => Command(parse, HttpMethod.Put, $"/edge/cells/{Uri.EscapeDataString(parse.GetValue(cell)!)}/mark", new { mark = parse.GetValue(mark) }, ct));
            var move = new Command("move", "Moves a customer to a cell: fences their writes, copies their data through the cells' admin export and import, flips, unfences.") { customer, cell };
            move.SetAction((parse, ct) => Command(parse, HttpMethod.Post, "/edge/cells/move", new { customer = parse.GetValue(customer), to = parse.GetValue(cell) }, ct));
            return new Command("cells", "The cell router: status, pin, mark, move (docs/cells.md).") { show, pin, markCommand, move };
        }

        Task<int> Command(ParseResult parse, HttpMethod method, string path, object? body, CancellationToken ct) => RunAsync(parse, async api =>
        {
            using var result = await api.SendAsync(method, path, body, ct).ConfigureAwait(false);
            var root = result.RootElement;
            console.WriteLine(root.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : root.TryGetProperty("reason", out var reason) ? $"{Text(root, "kind")}: {reason.GetString()}" : root.GetRawText());
        });

        Task<int> RunAsync(ParseResult parse, Func<EdgeApi, Task> action) => OperatorApi.RunAsync(
            error,
            async () =>
            {
                using var api = EdgeApi.Create(parse.GetValue(target)!, parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable(ApiKeyVariable));
                await action(api).ConfigureAwait(false);
            },
            // The edge refused the command (bad input, a conflict, a failed gate): a decision, not a broken call.
            status => status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity);
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() ?? "",
            JsonValueKind.Null => "-",
            _ => value.GetRawText(),
        } : "-";

    /// <summary>The HTTP side: one client with the key; problem details become messages.</summary>
    private sealed class EdgeApi : IDisposable
    {
        private readonly HttpClient _http;

        private EdgeApi(HttpClient http) => _http = http;

        // A switch waits for the old slot to drain (Edge:Release:DrainTimeout, 10 s by default) after its smoke gate.
        public static EdgeApi Create(string target, string? apiKey) =>
            new(OperatorApi.CreateClient("--edge", target, "http://127.0.0.1:5080", apiKey, TimeSpan.FromMinutes(2)));

        public async Task<JsonDocument> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }

            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw OperatorApi.Unanswered(_http, e, "is the edge running (bash deploy/edge/start.sh), and is --edge right?");
            }

            using (response)
            {
                return await OperatorApi.ReadAsync(response, method.ToString(), path, $"Pass the edge's operator key with --api-key or {ApiKeyVariable}.", cancellationToken).ConfigureAwait(false);
            }
        }

        public void Dispose() => _http.Dispose();
    }
}
