using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Drills.Metrics;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;
using Bulwark.ShopClient;

namespace Bulwark.Drills.LegacyErp;

/// <summary>
/// Legacy ERP (Codex 08, Anti-Corruption Layer; structure checklist question 6, Vendor Lock-in): the vendor's system
/// sends garbage, and the shop's clean model must never see it. The drill moves a few counts in the legacy ERP
/// stand-in and has the shop sync (stock must move as the ERP says, in units, not packs); then plants malformed lines
/// of several kinds among the good ones, touching products no good line changes, and syncs again; then syncs the same
/// delivery once more. Every malformed line must be quarantined and counted once, every good line applied once,
/// products touched only by bad lines unchanged, and no ERP field name or code may appear in the shop's answers.
/// </summary>
/// <param name="options">The ERP stand-in, the products and the thresholds; the documented defaults when null.</param>
public sealed class LegacyErpDrill(LegacyErpOptions? options = null)
    : Drill<LegacyErpOptions>(new("legacy-erp", "Legacy ERP", "If our legacy ERP vendor sends us garbage data, does it corrupt our clean domain model, or is it stopped at the border?", ["08 Anti-Corruption Layer"]), options)
{
    /// <summary>The name of the ERP's dependency on the command line (<c>--dependency erp=URL</c>).</summary>
    public const string Dependency = "erp";

    // The stand-in's published layout (LegacyErpExport): pack codes and their sizes, and the record's fields. The drill
    // writes records to plant garbage and knows the sizes to say what the shelf should hold; the shop must never echo them.
    private static readonly Dictionary<string, int> PackSizes = new(StringComparer.Ordinal) { ["EA"] = 1, ["PK6"] = 6, ["PK12"] = 12, ["BX24"] = 24 };
    private static readonly string[] ErpFieldNames = ["MATNR", "WERKS", "MEINS", "LABST", "VERPR", "WAERS", "ZDATE"];
    private static readonly string[] ErpCodes = ["STK1", "HDR0", "PK6", "PK12", "BX24", "PK7", "mb52", "/sap/"];

    private readonly List<string> _leaks = [];
    private int _answersRead;
    private bool _planted;

    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var erp = Options.ErpUrl is { } url
            ? LoopbackTarget.Ensure(url)
            : throw new DrillSkippedException("needs the legacy ERP stand-in the shop syncs from: start it (dotnet run --project shop/Shop.Externals -- --apps erp), point the shop at it (Shop:Inventory:LegacyErp:Url) and pass --dependency erp=http://127.0.0.1:5105 with the operator key (--api-key).");
        await context.RequireTargetAnswersAsync(ShopPaths.Ready, cancellationToken).ConfigureAwait(false);
        using var control = LoopbackHttp.CreateClient(erp, Options.RequestTimeout);
        try
        {
            using var export = await control.GetAsync(ExportPath(), cancellationToken).ConfigureAwait(false);
            if (!export.IsSuccessStatusCode)
            {
                throw new DrillPreconditionException($"The ERP at {erp} answered {(int)export.StatusCode} to its export: is --dependency erp the legacy ERP stand-in?");
            }
        }
        catch (HttpRequestException e)
        {
            throw new DrillPreconditionException($"The ERP at {erp} does not answer ({e.Message}); start it first.", e);
        }

        // Lines another run left behind would be counted as this run's.
        await ClearPlantedAsync(control, cancellationToken).ConfigureAwait(false);
        using var shop = context.CreateClient(Options.RequestTimeout);
        using var quarantine = await shop.GetAsync(QuarantinePage(1), cancellationToken).ConfigureAwait(false);
        if (!quarantine.IsSuccessStatusCode)
        {
            throw new DrillPreconditionException($"GET {Options.QuarantinePath} answered {(int)quarantine.StatusCode}: the drill reads the quarantine as an operator; pass the admin key with --api-key.");
        }
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var erp = LoopbackTarget.Ensure(Options.ErpUrl!);
        using var control = LoopbackHttp.CreateClient(erp, Options.RequestTimeout);
        using var shop = context.CreateClient(Options.RequestTimeout);
        var moved = Enumerable.Range(Options.FirstProduct, Options.MovedProducts).ToList();
        var badOnly = Enumerable.Range(Options.FirstProduct + Options.MovedProducts, Options.BadOnlyProducts).ToList();

        context.Recorder.Phase("clean sync");
        var expectedClean = await MoveCountsAsync(control, shop, moved, cancellationToken).ConfigureAwait(false);
        var clean = await SyncAsync(context, shop, "clean", cancellationToken).ConfigureAwait(false);
        var movedAfterClean = await CheckAsync(shop, expectedClean, cancellationToken).ConfigureAwait(false);
        var badOnlyBefore = await ReadStockAsync(shop, badOnly, cancellationToken).ConfigureAwait(false);

        context.Recorder.Phase("spoiled sync");
        var expectedSpoiled = await MoveCountsAsync(control, shop, moved, cancellationToken).ConfigureAwait(false);
        var planted = MalformedLines(badOnly, DateOnly.FromDateTime(context.TimeProvider.GetUtcNow().UtcDateTime));
        foreach (var line in planted)
        {
            using var response = await control.PostAsJsonAsync(new Uri("/_control/erp/planted-rows", UriKind.Relative), new { line }, cancellationToken).ConfigureAwait(false);
            _planted = true;
            EnsureControl(response, "POST /_control/erp/planted-rows");
        }

        var rowsSent = await CountExportLinesAsync(control, cancellationToken).ConfigureAwait(false);
        var quarantineBefore = await QuarantineTotalAsync(shop, cancellationToken).ConfigureAwait(false);
        var metricBefore = await ScrapeAsync(context, cancellationToken).ConfigureAwait(false);
        context.Recorder.FaultOn("malformed lines planted");
        var spoiled = await SyncAsync(context, shop, "spoiled", cancellationToken).ConfigureAwait(false);
        var movedAfterSpoiled = await CheckAsync(shop, expectedSpoiled, cancellationToken).ConfigureAwait(false);
        var badOnlyAfter = await ReadStockAsync(shop, badOnly, cancellationToken).ConfigureAwait(false);
        var quarantineAfter = await QuarantineTotalAsync(shop, cancellationToken).ConfigureAwait(false);
        var metricAfter = await ScrapeAsync(context, cancellationToken).ConfigureAwait(false);
        var (found, twice) = await FindPlantedAsync(shop, spoiled.BatchId, planted, cancellationToken).ConfigureAwait(false);

        context.Recorder.Phase("same delivery again");
        var stockBeforeRepeat = await ReadStockAsync(shop, [.. moved, .. badOnly], cancellationToken).ConfigureAwait(false);
        var repeat = await SyncAsync(context, shop, null, cancellationToken).ConfigureAwait(false);
        var stockAfterRepeat = await ReadStockAsync(shop, [.. moved, .. badOnly], cancellationToken).ConfigureAwait(false);
        var quarantineAfterRepeat = await QuarantineTotalAsync(shop, cancellationToken).ConfigureAwait(false);
        var metricAfterRepeat = await ScrapeAsync(context, cancellationToken).ConfigureAwait(false);
        context.Recorder.FaultOff("malformed lines");

        return LegacyErpJudge.Judge(
            new LegacyErpMeasurement(
                rowsSent,
                planted.Count,
                clean,
                spoiled,
                repeat,
                movedAfterClean,
                movedAfterSpoiled,
                [.. badOnly.Select(id => new LegacyErpStockCheck(id, badOnlyBefore[id] ?? -1, badOnlyAfter[id]))],
                stockBeforeRepeat.Count(s => stockAfterRepeat[s.Key] != s.Value),
                found,
                twice,
                quarantineAfter - quarantineBefore,
                quarantineAfterRepeat - quarantineAfter,
                metricBefore is { } m0 && metricAfter is { } m1 ? m1 - m0 : null,
                metricAfter is { } m2 && metricAfterRepeat is { } m3 ? m3 - m2 : null,
                _answersRead,
                _leaks),
            Options);
    }

    /// <inheritdoc />
    protected override async Task RestoreCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        // The garbage goes; the moved counts stay, as a real count would (the shop already holds them). The ERP's
        // /_control/faults were never touched, so there is nothing else to mend.
        if (_planted && Options.ErpUrl is { } erp)
        {
            using var control = LoopbackHttp.CreateClient(LoopbackTarget.Ensure(erp), Options.RequestTimeout);
            await ClearPlantedAsync(control, cancellationToken).ConfigureAwait(false);
            _planted = false;
        }
    }

    // The malformed lines, one kind after another, each for a product only bad lines touch and with a count no good line
    // carries, so a translator that guesses instead of rejecting changes that product's stock.
    private List<string> MalformedLines(List<int> badOnly, DateOnly today)
    {
        var lines = new List<string>(Options.MalformedRows);
        for (var i = 0; i < Options.MalformedRows; i++)
        {
            var product = badOnly[i % badOnly.Count];
            // Distinct per line (a repeated line could hide a lost one) and far above any count the stand-in keeps.
            var packs = 500 + i;
            var price = "19,99";
            lines.Add((i % 7) switch
            {
                // A letter O where a zero belongs.
                0 => Record(product, "PK6", Text(packs)[..8] + "O", price, today),
                1 => Record(product, "PK7", Text(packs), price, today),
                // A thousands separator before the comma decimal.
                2 => Record(product, "EA", Text(packs), "1.234,50", today),
                // A point decimal, as another locale writes it.
                3 => Record(product, "PK12", Text(packs), "12.30", today),
                // Cut off in the price: the transfer broke mid-line.
                4 => Record(product, "EA", Text(packs), price, today)[..48],
                5 => Record(product, "BX24", Text(packs), price, today)[..56] + today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                _ => Record(product, "EA", "-" + Text(packs)[1..], price, today),
            });
        }

        return lines;
    }

    // The stand-in's stock record: STK1, material (18, zero padded), plant (4), pack code (4), packs (9), price (14, right
    // aligned), currency (3), count date (yyyy.MM.dd).
    private string Record(int product, string packCode, string packs, string price, DateOnly counted) =>
        string.Create(CultureInfo.InvariantCulture, $"STK1{product:D18}{Options.Plant,-4}{packCode,-4}{packs,9}{price,14}EUR{counted:yyyy.MM.dd}");

    private static string Text(int packs) => packs.ToString("D9", CultureInfo.InvariantCulture);

    private Uri ExportPath() => new($"/sap/mb52/export?WERKS={Uri.EscapeDataString(Options.Plant)}", UriKind.Relative);

    private Uri QuarantinePage(int page) => new(string.Create(CultureInfo.InvariantCulture, $"{Options.QuarantinePath}?page={page}&pageSize=100"), UriKind.Relative);

    // Each moved product gets a count two packs above what the shop holds now, so the shelf must move, and by a number
    // only the pack size explains.
    private async Task<Dictionary<int, int>> MoveCountsAsync(HttpClient control, HttpClient shop, IReadOnlyList<int> products, CancellationToken cancellationToken)
    {
        var now = await ReadStockAsync(shop, products, cancellationToken).ConfigureAwait(false);
        var packCodes = await ReadPackCodesAsync(control, cancellationToken).ConfigureAwait(false);
        var expected = new Dictionary<int, int>();
        foreach (var product in products)
        {
            var held = now[product] ?? throw new DrillPreconditionException($"GET {StockPath(product)} did not answer: the drill needs product {product} stocked.");
            var packCode = packCodes.GetValueOrDefault(product, "");
            var size = PackSizes.TryGetValue(packCode, out var s)
                ? s
                : throw new DrillPreconditionException($"The ERP export keeps material {product} in '{packCode}', not a pack code the drill knows: is --dependency erp the legacy ERP stand-in?");
            var packs = (held / size) + 2;
            using var moved = await control.PutAsJsonAsync(new Uri($"/_control/erp/materials/{product}", UriKind.Relative), new { packs }, cancellationToken).ConfigureAwait(false);
            EnsureControl(moved, $"PUT /_control/erp/materials/{product}");
            expected[product] = packs * size;
        }

        return expected;
    }

    private async Task<LegacyErpSync> SyncAsync(DrillContext context, HttpClient shop, string? round, CancellationToken cancellationToken)
    {
        var started = context.TimeProvider.GetTimestamp();
        using var response = await shop.PostAsync(new Uri(Options.SyncPath, UriKind.Relative), null, cancellationToken).ConfigureAwait(false);
        var latency = context.TimeProvider.GetElapsedTime(started);
        var body = await ReadAnswerAsync(response, $"POST {Options.SyncPath}", namesOnly: false, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode || body is null)
        {
            throw new DrillPreconditionException($"POST {Options.SyncPath} answered {(int)response.StatusCode}: the shop must sync from the ERP stand-in (Shop:Inventory:LegacyErp:Url) and the drill needs the operator key (--api-key).");
        }

        var sync = new LegacyErpSync(
            body["batchId"]?.GetValue<string>() ?? "",
            body["alreadyApplied"]?.GetValue<bool>() ?? false,
            body["applied"]?.GetValue<int>() ?? 0,
            body["quarantined"]?.GetValue<int>() ?? 0,
            latency);
        if (round is not null && sync.AlreadyApplied)
        {
            // Someone else (the shop's own background sync) applied this delivery first: this run cannot tell what it did.
            throw new DrillPreconditionException($"The {round} sync found its delivery {sync.BatchId} already applied: another sync ran in between. Run the drill with the shop's background sync off (Shop:Inventory:StockSync:Enabled=false) or a long Interval.");
        }

        return sync;
    }

    private async Task<IReadOnlyList<LegacyErpStockCheck>> CheckAsync(HttpClient shop, Dictionary<int, int> expected, CancellationToken cancellationToken)
    {
        var held = await ReadStockAsync(shop, [.. expected.Keys], cancellationToken).ConfigureAwait(false);
        return [.. expected.Select(e => new LegacyErpStockCheck(e.Key, e.Value, held[e.Key]))];
    }

    private async Task<Dictionary<int, int?>> ReadStockAsync(HttpClient shop, IReadOnlyList<int> products, CancellationToken cancellationToken)
    {
        var held = new Dictionary<int, int?>();
        foreach (var product in products)
        {
            using var response = await shop.GetAsync(new Uri(StockPath(product), UriKind.Relative), cancellationToken).ConfigureAwait(false);
            var body = await ReadAnswerAsync(response, $"GET {StockPath(product)}", namesOnly: false, cancellationToken).ConfigureAwait(false);
            held[product] = response.IsSuccessStatusCode ? body?["onHand"]?.GetValue<int>() : null;
        }

        return held;
    }

    private string StockPath(int product) => string.Format(CultureInfo.InvariantCulture, Options.StockPath, product);

    private async Task<long> QuarantineTotalAsync(HttpClient shop, CancellationToken cancellationToken)
    {
        using var response = await shop.GetAsync(QuarantinePage(1), cancellationToken).ConfigureAwait(false);
        var body = await ReadAnswerAsync(response, $"GET {Options.QuarantinePath}", namesOnly: true, cancellationToken).ConfigureAwait(false);
        return body?["total"]?.GetValue<long>()
            ?? throw new DrillPreconditionException($"GET {Options.QuarantinePath} answered {(int)response.StatusCode} without a total.");
    }

    // Newest first: the spoiled delivery's lines are on the first pages unless thousands came after it.
    private async Task<(int Found, int Twice)> FindPlantedAsync(HttpClient shop, string batchId, IReadOnlyList<string> planted, CancellationToken cancellationToken)
    {
        var seen = planted.Distinct(StringComparer.Ordinal).ToDictionary(p => p, _ => 0, StringComparer.Ordinal);
        for (var page = 1; page <= 20; page++)
        {
            using var response = await shop.GetAsync(QuarantinePage(page), cancellationToken).ConfigureAwait(false);
            var body = await ReadAnswerAsync(response, $"GET {Options.QuarantinePath}", namesOnly: true, cancellationToken).ConfigureAwait(false);
            if (body?["lines"] is not JsonArray lines || lines.Count == 0)
            {
                break;
            }

            foreach (var line in lines.OfType<JsonObject>().Where(l => l["batchId"]?.GetValue<string>() == batchId))
            {
                if (line["raw"]?.GetValue<string>() is { } raw && seen.TryGetValue(raw, out var times))
                {
                    seen[raw] = times + 1;
                }
            }
        }

        return (seen.Count(s => s.Value > 0), seen.Count(s => s.Value > 1));
    }

    private async Task<double?> ScrapeAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var url = Options.MetricsUrl ?? new Uri(context.Target, "/metrics");
        try
        {
            return await PrometheusScrape.SumAsync(url, Options.QuarantinedMetric, [], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    // Material number to pack code, read from the export's well-formed stock lines (the stand-in's layout).
    private async Task<Dictionary<int, string>> ReadPackCodesAsync(HttpClient control, CancellationToken cancellationToken)
    {
        var export = await control.GetStringAsync(ExportPath(), cancellationToken).ConfigureAwait(false);
        var codes = new Dictionary<int, string>();
        foreach (var line in export.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (line.Length == 66 && line.StartsWith("STK1", StringComparison.Ordinal)
                && int.TryParse(line.AsSpan(4, 18), NumberStyles.None, CultureInfo.InvariantCulture, out var material))
            {
                codes.TryAdd(material, line.Substring(26, 4).TrimEnd());
            }
        }

        return codes;
    }

    private async Task<int> CountExportLinesAsync(HttpClient control, CancellationToken cancellationToken)
    {
        var export = await control.GetStringAsync(ExportPath(), cancellationToken).ConfigureAwait(false);
        // Every non-empty line after the delivery's header is one stock line sent.
        return Math.Max(0, export.Split('\n').Count(l => l.TrimEnd('\r').Length > 0) - 1);
    }

    // Every shop answer the drill reads passes here, to be searched for the ERP's names. The quarantine keeps each raw
    // line for a person on purpose, so only its field names are searched there.
    private async Task<JsonObject?> ReadAnswerAsync(HttpResponseMessage response, string what, bool namesOnly, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonNode? body;
        try
        {
            body = text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            body = null;
        }

        _answersRead++;
        var leak = body is null ? FindErpName(text) : FindErpName(body, namesOnly);
        if (leak is not null)
        {
            _leaks.Add($"{what}: {leak}");
        }

        return body as JsonObject;
    }

    // The first ERP field name or code in the node's property names (and string values unless namesOnly), or null.
    private static string? FindErpName(JsonNode? node, bool namesOnly)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    if (FindErpName(name) is { } inName)
                    {
                        return $"field '{name}' ({inName})";
                    }

                    if (FindErpName(child, namesOnly) is { } inChild)
                    {
                        return inChild;
                    }
                }

                return null;
            case JsonArray array:
                return array.Select(item => FindErpName(item, namesOnly)).FirstOrDefault(found => found is not null);
            case JsonValue value when !namesOnly && value.TryGetValue<string>(out var text):
                return FindErpName(text) is { } inValue ? $"value '{(text.Length > 80 ? text[..80] : text)}' ({inValue})" : null;
            default:
                return null;
        }
    }

    private static string? FindErpName(string text) =>
        ErpFieldNames.Concat(ErpCodes).FirstOrDefault(name => text.Contains(name, StringComparison.OrdinalIgnoreCase));

    private static async Task ClearPlantedAsync(HttpClient control, CancellationToken cancellationToken)
    {
        using var response = await control.DeleteAsync(new Uri("/_control/erp/planted-rows", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        EnsureControl(response, "DELETE /_control/erp/planted-rows");
    }

    private static void EnsureControl(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new DrillPreconditionException($"The ERP stand-in answered {(int)response.StatusCode} to {what}: is --dependency erp the legacy ERP stand-in, reached from loopback?");
        }
    }
}
