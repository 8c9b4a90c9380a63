using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Bulwark.Cli.Operators;
using Bulwark.ShopClient;
using Bulwark.ShopClient.Generated.Admin.Dlq;
using Microsoft.Kiota.Abstractions;
using Spectre.Console;

namespace Bulwark.Cli.DeadLetters;

/// <summary>
/// <c>bulwark dlq list|show|redrive|purge|depth</c>: the dead-letter admin API (<c>MapBulwarkDeadLetters</c>) from a
/// terminal, so the Codex's "investigate → fix → redrive" loop needs no hand-written curl. Requests come from the shop's
/// typed client (the OpenAPI document mounts the API at <c>/admin/dlq</c>); <c>--prefix</c> moves that mount for other services.
/// </summary>
internal static class DeadLetterCommand
{
    private const string ApiKeyVariable = "BULWARK_API_KEY";

    public static Command Build(IAnsiConsole console, TextWriter error)
    {
        var target = new Option<string>("--target") { Description = "The service (http only on loopback; https elsewhere, the key must not travel in clear text).", DefaultValueFactory = _ => "http://127.0.0.1:5100" };
        var prefix = new Option<string>("--prefix") { Description = "Where the service maps its dead-letter API.", DefaultValueFactory = _ => "/admin/dlq" };
        var apiKey = new Option<string?>("--api-key") { Description = $"An operator key, sent as X-Api-Key (default: the {ApiKeyVariable} environment variable)." };
        var queue = new Option<string?>("--queue") { Description = "Only dead letters from this queue." };
        var type = new Option<string?>("--type") { Description = "Only dead letters of this message type." };
        var limit = new Option<int>("--limit") { Description = "At most this many (1 to 1000).", DefaultValueFactory = _ => 100 };
        var all = new Option<bool>("--all") { Description = "Every dead letter matching --queue/--type instead of one id." };
        var yes = new Option<bool>("--yes") { Description = "Confirms purging more than one dead letter (there is no undo)." };
        var id = new Argument<string?>("id") { Description = "The dead letter's id (from list).", Arity = ArgumentArity.ZeroOrOne };
        var showId = new Argument<string>("id") { Description = "The dead letter's id (from list)." };

        var list = new Command("list", "Lists dead letters: id, type, queue, attempts, reason, when.") { queue, type, limit };
        list.SetAction((parse, ct) => RunAsync(parse, error, async api =>
        {
            var count = parse.GetValue(limit);
            if (count is < 1 or > 1000)
            {
                throw new UsageException($"--limit {count} is out of range; give 1 to 1000.");
            }

            using var letters = await api.SendAsync(
                api.Dlq.ToGetRequestInformation(r =>
                {
                    r.QueryParameters.Queue = NullIfEmpty(parse.GetValue(queue));
                    r.QueryParameters.Type = NullIfEmpty(parse.GetValue(type));
                    r.QueryParameters.Limit = count;
                }),
                ct).ConfigureAwait(false);
            var table = new Table().AddColumn("Id").AddColumn("Type").AddColumn("Queue").AddColumn(new TableColumn("Attempts").RightAligned()).AddColumn("Reason").AddColumn("Dead-lettered");
            foreach (var letter in letters.RootElement.EnumerateArray())
            {
                table.AddRow(
                    Markup.Escape(letter.GetProperty("id").GetString() ?? ""),
                    Markup.Escape(letter.GetProperty("messageType").GetString() ?? ""),
                    Markup.Escape(letter.GetProperty("sourceQueue").GetString() ?? ""),
                    letter.GetProperty("attempts").GetInt32().ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(OperatorApi.Shorten(letter.GetProperty("reason").GetString() ?? "", 60)),
                    Markup.Escape(letter.GetProperty("deadLetteredAt").GetString() ?? ""));
            }

            console.Write(table);
            console.MarkupLine(CultureInfo.InvariantCulture, "{0} dead letter(s)", letters.RootElement.GetArrayLength());
        }));

        var show = new Command("show", "Prints one dead letter with its body, headers and stack trace.") { showId };
        show.SetAction((parse, ct) => RunAsync(parse, error, async api =>
        {
            using var letter = await api.SendAsync(api.Dlq[parse.GetValue(showId)!].ToGetRequestInformation(), ct).ConfigureAwait(false);
            console.WriteLine(JsonSerializer.Serialize(letter.RootElement, Indented));
        }));

        var redrive = new Command("redrive", "Sends dead letters back to their queue (after the fix shipped), keeping their message ids.") { id, all, queue, type };
        redrive.SetAction((parse, ct) => RunAsync(parse, error, async api =>
        {
            var one = OneOrAll(parse.GetValue(id), parse.GetValue(all));
            var request = one is not null
                ? api.Dlq[one].Redrive.ToPostRequestInformation()
                : api.Dlq.Redrive.ToPostRequestInformation(r =>
                {
                    r.QueryParameters.Queue = NullIfEmpty(parse.GetValue(queue));
                    r.QueryParameters.Type = NullIfEmpty(parse.GetValue(type));
                });
            using var result = await api.SendAsync(request, ct).ConfigureAwait(false);
            console.MarkupLine(CultureInfo.InvariantCulture, "redriven: {0}", result.RootElement.GetProperty("redriven").GetInt32());
        }));

        var purge = new Command("purge", "Deletes dead letters for good.") { id, all, yes, queue, type };
        purge.SetAction((parse, ct) => RunAsync(parse, error, async api =>
        {
            if (parse.GetValue(all) && !parse.GetValue(yes))
            {
                throw new UsageException("purge --all deletes every matching dead letter with no undo; add --yes to confirm (see them first with: bulwark dlq list).");
            }

            var one = OneOrAll(parse.GetValue(id), parse.GetValue(all));
            var request = one is not null
                ? api.Dlq[one].ToDeleteRequestInformation()
                : api.Dlq.ToDeleteRequestInformation(r =>
                {
                    r.QueryParameters.Queue = NullIfEmpty(parse.GetValue(queue));
                    r.QueryParameters.Type = NullIfEmpty(parse.GetValue(type));
                });
            using var result = await api.SendAsync(request, ct).ConfigureAwait(false);
            console.MarkupLine(CultureInfo.InvariantCulture, "purged: {0}", result.RootElement.GetProperty("purged").GetInt32());
        }));

        var depth = new Command("depth", "Prints how many dead letters wait (the figure an alert watches).");
        depth.SetAction((parse, ct) => RunAsync(parse, error, async api =>
        {
            using var result = await api.SendAsync(api.Dlq.Depth.ToGetRequestInformation(), ct).ConfigureAwait(false);
            console.WriteLine(result.RootElement.GetProperty("depth").GetInt64().ToString(CultureInfo.InvariantCulture));
        }));

        var command = new Command("dlq", "Inspects, redrives and purges a service's dead letters over its admin API.") { list, show, redrive, purge, depth };
        foreach (var option in new Option[] { target, prefix, apiKey })
        {
            option.Recursive = true;
            command.Options.Add(option);
        }

        return command;

        Task<int> RunAsync(ParseResult parse, TextWriter errors, Func<DeadLetterApi, Task> action) => OperatorApi.RunAsync(
            errors,
            async () =>
            {
                using var api = DeadLetterApi.Create(
                    parse.GetValue(target)!,
                    parse.GetValue(prefix)!,
                    parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable(ApiKeyVariable));
                await action(api).ConfigureAwait(false);
            },
            status => status is HttpStatusCode.NotFound);
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The one id asked for, or <see langword="null"/> for --all.</summary>
    private static string? OneOrAll(string? id, bool all) =>
        id is null == !all
            ? throw new UsageException("Give one dead letter's id, or --all (with --queue/--type to narrow it), not both and not neither.")
            : id;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>The HTTP side: one client with the key, problem details turned into messages that name the fix.</summary>
    private sealed class DeadLetterApi : IDisposable
    {
        // Where the shop's document mounts the API; requests are built there and moved to --prefix when it differs.
        private static readonly string DocumentPrefix = ShopPaths.Of(c => c.Admin.Dlq.ToGetRequestInformation());

        private readonly HttpClient _http;
        private readonly ShopApi _shop;
        private readonly string _prefix;

        private DeadLetterApi(HttpClient http, string prefix)
        {
            _http = http;
            _shop = new ShopApi(http);
            _prefix = prefix;
        }

        /// <summary>The dead-letter operations as the document describes them.</summary>
        public DlqRequestBuilder Dlq => _shop.Client.Admin.Dlq;

        public static DeadLetterApi Create(string target, string prefix, string? apiKey)
        {
            var http = OperatorApi.CreateClient("--target", target, "http://127.0.0.1:5100", apiKey, TimeSpan.FromSeconds(30));
            if (!prefix.StartsWith('/'))
            {
                http.Dispose();
                throw new UsageException($"--prefix '{prefix}' must start with '/', e.g. /admin/dlq.");
            }

            http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            return new DeadLetterApi(http, prefix.TrimEnd('/'));
        }

        public async Task<JsonDocument> SendAsync(RequestInformation typed, CancellationToken cancellationToken)
        {
            var method = typed.HttpMethod.ToString();
            var path = "";
            HttpResponseMessage response;
            try
            {
                response = await _shop.SendAsync(typed, request =>
                {
                    request.RequestUri = Remount(request.RequestUri!);
                    path = request.RequestUri.PathAndQuery;
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw OperatorApi.Unanswered(_http, e, "is it running, and is --target right?");
            }

            using (response)
            {
                return await OperatorApi.ReadAsync(response, method, path, $"Pass an operator key with --api-key or {ApiKeyVariable}.", cancellationToken).ConfigureAwait(false);
            }
        }

        public void Dispose()
        {
            _shop.Dispose();
            _http.Dispose();
        }

        private Uri Remount(Uri uri)
        {
            if (_prefix == DocumentPrefix || !uri.AbsolutePath.StartsWith(DocumentPrefix, StringComparison.Ordinal))
            {
                return uri;
            }

            var moved = new UriBuilder(uri) { Path = _prefix + uri.AbsolutePath[DocumentPrefix.Length..] };
            return moved.Uri;
        }
    }
}
