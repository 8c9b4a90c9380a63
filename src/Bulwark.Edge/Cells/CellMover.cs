using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Bulwark.Edge.Cells;

/// <summary>
/// Moves one customer between cells: fence (their writes answer 503 with Retry-After), drain (their writes already in
/// flight finish), copy (the old cell's admin export into the new cell's admin import), flip (an override to the new
/// cell), unfence. Reads keep going to the old cell until the flip, which is consistent because nothing writes there.
/// A failed copy unfences without flipping: the customer stays where their data is.
/// </summary>
internal sealed partial class CellMover(CellRouter router, IHttpClientFactory clients, TimeProvider time, ILogger<CellMover> logger)
{
    public const string ClientName = "Bulwark.Edge.CellMove";


    public async Task<CellMoveResult> MoveAsync(string customer, string to, CancellationToken cancellationToken)
    {
        var options = router.Options;
        if (options.Move.ShopAdminKey is not { Length: > 0 } key)
        {
            return new(StatusCodes422, "Moves need the cells' admin key in Edge:Cells:Move:ShopAdminKey.", null);
        }

        if (router.Table?.Find(customer) is not { } assignment)
        {
            return new(404, $"The edge has not placed customer '{customer}'; there is nothing to move.", null);
        }

        var from = assignment.Cell;
        if (string.Equals(from, to, StringComparison.OrdinalIgnoreCase))
        {
            return new(409, $"Customer '{customer}' is already in '{to}'.", null);
        }

        if (!router.Serves(from) || !router.Serves(to))
        {
            return new(StatusCodes422, $"Both cells must serve for a move: '{from}' serves {router.Serves(from)}, '{to}' serves {router.Serves(to)}.", null);
        }

        if (router.IsFenced(customer))
        {
            return new(409, $"Customer '{customer}' is being moved already.", null);
        }

        var started = time.GetTimestamp();
        router.Fence(customer);
        LogMove(customer, from, to, "fenced");
        try
        {
            while (router.WritesInFlight(customer) > 0)
            {
                if (time.GetElapsedTime(started) > options.Move.DrainTimeout)
                {
                    return new(409, $"Customer '{customer}' still had writes in flight after {options.Move.DrainTimeout:g}; nothing was copied, try again.", null);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(5), time, cancellationToken).ConfigureAwait(false);
            }

            var drainedMs = time.GetElapsedTime(started).TotalMilliseconds;
            var client = clients.CreateClient(ClientName);
            var imports = new Dictionary<string, JsonElement?>(StringComparer.Ordinal);
            foreach (var part in options.Move.EffectiveParts)
            {
                var path = $"/api/admin/cells/customers/{Uri.EscapeDataString(customer)}/{Uri.EscapeDataString(part)}";
                var exported = await SendAsync(client, HttpMethod.Get, options.Cells[from].Url, path, key, null, options.Move.CopyTimeout, cancellationToken).ConfigureAwait(false);
                if (exported.Error is { } exportError)
                {
                    return new(502, $"Export of {part} from '{from}' failed: {exportError}. The customer stays in '{from}'.", null);
                }

                var imported = await SendAsync(client, HttpMethod.Post, options.Cells[to].Url, path, key, exported.Body, options.Move.CopyTimeout, cancellationToken).ConfigureAwait(false);
                if (imported.Error is { } importError)
                {
                    return new(502, $"Import of {part} into '{to}' failed: {importError}. The customer stays in '{from}'.", null);
                }

                imports[part] = imported.Body;
            }

            router.Pin(customer, to, $"moved from {from}");
            var report = new CellMoveReport(customer, from, to, drainedMs, time.GetElapsedTime(started).TotalMilliseconds, imports);
            LogMove(customer, from, to, $"flipped after {report.FencedMs:0} ms");
            return new(200, "moved", report);
        }
        finally
        {
            router.Unfence(customer);
        }
    }

    private static async Task<(JsonElement? Body, string? Error)> SendAsync(
        HttpClient client, HttpMethod method, string baseUrl, string path, string key, JsonElement? body, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var request = new HttpRequestMessage(method, new Uri(new Uri(baseUrl), path));
        request.Headers.Add("X-Api-Key", key);
        if (body is { } json)
        {
            request.Content = new StringContent(json.GetRawText(), System.Text.Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        try
        {
            using var response = await client.SendAsync(request, deadline.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return (null, $"{method} {path} answered {(int)response.StatusCode} {text[..Math.Min(text.Length, 500)]}");
            }

            using var document = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
            return (document.RootElement.Clone(), null);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (null, $"{method} {path}: {e.GetType().Name} {e.Message}");
        }
    }

    private const int StatusCodes422 = 422;

    [LoggerMessage(EventId = EdgeEventIds.CellMove, Level = LogLevel.Warning, Message = "Moving customer {Customer} from cell {From} to {To}: {Step}")]
    private partial void LogMove(string customer, string from, string to, string step);
}

/// <summary>The outcome of a move, mapped to an HTTP status by the endpoint.</summary>
internal sealed record CellMoveResult(int Status, string Detail, CellMoveReport? Report);

/// <summary>A finished move.</summary>
/// <param name="Customer">The customer.</param>
/// <param name="From">The cell they left.</param>
/// <param name="To">The cell that serves them now.</param>
/// <param name="DrainedMs">How long their writes in flight took to finish after the fence.</param>
/// <param name="FencedMs">How long their writes were refused (fence to unfence).</param>
/// <param name="Imported">What the new cell's import reported, per part.</param>
public sealed record CellMoveReport(string Customer, string From, string To, double DrainedMs, double FencedMs, IReadOnlyDictionary<string, JsonElement?> Imported);
