using System.Globalization;
using System.Text;
using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Shop.Externals.Faults;
using Shop.Externals.Hosting;

namespace Shop.Externals.LegacyErp;

/// <summary>
/// A legacy ERP's stock export (the system the Inventory module's anti-corruption layer faces, Codex 08): one
/// fixed-width text record per material, quantities in packs under pack codes (<c>EA</c>, <c>PK6</c>, <c>PK12</c>,
/// <c>BX24</c>), prices per pack as text with a comma decimal, dates as <c>yyyy.MM.dd</c>, an 18-digit material number,
/// and a batch header. Fault controls as every stand-in, plus its own: change a count, plant a raw line, garble every
/// n-th row. See <see cref="LegacyErpExport"/> for the record layout.
/// </summary>
public static class LegacyErpApp
{
    /// <summary>The service name in logs and traces.</summary>
    public const string Name = "legacy-erp";

    /// <summary>Creates the app on <paramref name="url"/>.</summary>
    public static WebApplication Create(string url, string[]? args = null) =>
        StandInApp.Create(Name, url, s => s.AddSingleton<LegacyErpStock>(), Map, args);

    private static void Map(IEndpointRouteBuilder endpoints)
    {
        // The ERP's own transaction-code-style route and its plant parameter, as the old system names them.
        endpoints.MapGet("/sap/mb52/export", Results<ContentHttpResult, ProblemHttpResult> (string? WERKS, LegacyErpStock stock, TimeProvider time) =>
            WERKS is not { Length: 4 }
                ? ProblemResults.BadRequest("WERKS (the plant) is four characters, e.g. ?WERKS=0001.")
                : TypedResults.Text(stock.Export(WERKS, time.GetUtcNow()), "text/plain", Encoding.ASCII))
            .WithTags("Legacy ERP");

        var control = endpoints.MapGroup("/_control/erp").WithTags("Fault control").AddEndpointFilter(FaultControlEndpoints.LoopbackOnlyAsync);
        control.MapPut("/materials/{productId:int}", Results<Ok<LegacyErpStock.Material>, ProblemHttpResult> (int productId, PackCount? body, LegacyErpStock stock) =>
            body is null || body.Packs < 0
                ? ProblemResults.BadRequest("Send {\"packs\": 12}.")
                : stock.SetPacks(productId, body.Packs) is { } material ? TypedResults.Ok(material) : ProblemResults.NotFound($"There is no material {productId}."));
        control.MapPost("/planted-rows", Results<NoContent, ProblemHttpResult> (PlantedRow? body, LegacyErpStock stock) =>
        {
            if (body?.Line is null || body.Line.Contains('\n', StringComparison.Ordinal))
            {
                return ProblemResults.BadRequest("Send {\"line\": \"STK1...\"}: one raw record line, planted into every export until cleared.");
            }

            stock.Plant(body.Line);
            return TypedResults.NoContent();
        });
        control.MapDelete("/planted-rows", (LegacyErpStock stock) =>
        {
            stock.ClearPlanted();
            return TypedResults.NoContent();
        });
        control.MapPut("/garble", Results<NoContent, ProblemHttpResult> (Garbling? body, LegacyErpStock stock) =>
        {
            if (body is null || body.Every < 0)
            {
                return ProblemResults.BadRequest("Send {\"every\": 7} to garble every 7th row's price; 0 stops.");
            }

            stock.GarbleEvery(body.Every);
            return TypedResults.NoContent();
        });
    }

    /// <summary>A new physical count, in packs.</summary>
    public sealed record PackCount(int Packs);

    /// <summary>A raw record line to plant.</summary>
    public sealed record PlantedRow(string? Line);

    /// <summary>Garble every n-th row (0: none).</summary>
    public sealed record Garbling(int Every);
}

/// <summary>
/// The export's layout, fixed width, ASCII, one record per line:
/// <code>
/// HDR  batch(10) plant(4) date(10, yyyy.MM.dd)
/// STK1 MATNR(18, zero padded) WERKS(4) MEINS(4, left aligned) LABST(9, packs) VERPR(14, right aligned, "19,99") WAERS(3) ZDATE(10)
/// </code>
/// </summary>
public static class LegacyErpExport
{
    /// <summary>Length of a stock record.</summary>
    public const int RecordLength = 66;

    /// <summary>Formats one stock record.</summary>
    public static string Record(long materialNumber, string plant, string packCode, int packs, string pricePerPack, string currency, DateOnly counted)
    {
        ArgumentNullException.ThrowIfNull(packCode);
        ArgumentNullException.ThrowIfNull(pricePerPack);
        return string.Create(CultureInfo.InvariantCulture,
            $"STK1{materialNumber:D18}{plant,-4}{packCode,-4}{packs:D9}{pricePerPack,14}{currency,-3}{counted:yyyy.MM.dd}");
    }

    /// <summary>A price in cents as the ERP writes it: a comma decimal, no thousands separator.</summary>
    public static string Price(long cents) => string.Create(CultureInfo.InvariantCulture, $"{cents / 100},{cents % 100:D2}");
}

/// <summary>The ERP's stock table. The batch number moves only when the content does, as a real extract run's would.</summary>
internal sealed class LegacyErpStock
{
    private static readonly (string Code, int Size)[] Packs = [("EA", 1), ("PK6", 6), ("PK12", 12), ("BX24", 24)];
    private readonly Lock _lock = new();
    private readonly Dictionary<int, Material> _materials = [];
    private readonly List<string> _planted = [];
    private int _garbleEvery;
    private long _batch = 1;

    public LegacyErpStock()
    {
        for (var id = 1; id <= 60; id++)
        {
            var (code, size) = Packs[id % Packs.Length];
            _materials[id] = new Material(id, code, 1 + (id * 7 % 40), (499 + (id * 137 % 9500)) * size);
        }
    }

    public string Export(string plant, DateTimeOffset now)
    {
        var counted = DateOnly.FromDateTime(now.UtcDateTime);
        var text = new StringBuilder();
        lock (_lock)
        {
            text.Append(CultureInfo.InvariantCulture, $"HDR{_batch:D10}{plant,-4}{counted:yyyy.MM.dd}\n");
            var row = 0;
            foreach (var m in _materials.Values.OrderBy(m => m.ProductId))
            {
                row++;
                var price = _garbleEvery > 0 && row % _garbleEvery == 0 ? "12.3O" : LegacyErpExport.Price(m.PricePerPackCents);
                text.Append(LegacyErpExport.Record(m.ProductId, plant, m.PackCode, m.Packs, price, "EUR", counted)).Append('\n');
            }

            foreach (var line in _planted)
            {
                text.Append(line).Append('\n');
            }
        }

        return text.ToString();
    }

    public Material? SetPacks(int productId, int packs)
    {
        lock (_lock)
        {
            if (!_materials.TryGetValue(productId, out var material))
            {
                return null;
            }

            _materials[productId] = material with { Packs = packs };
            _batch++;
            return _materials[productId];
        }
    }

    public void Plant(string line)
    {
        lock (_lock)
        {
            _planted.Add(line);
            _batch++;
        }
    }

    public void ClearPlanted()
    {
        lock (_lock)
        {
            _planted.Clear();
            _batch++;
        }
    }

    public void GarbleEvery(int every)
    {
        lock (_lock)
        {
            _garbleEvery = every;
            _batch++;
        }
    }

    /// <summary>A material as the ERP keeps it.</summary>
    public sealed record Material(int ProductId, string PackCode, int Packs, long PricePerPackCents);
}
