using Microsoft.Extensions.Options;
using Shop.Inventory.StockSync;

namespace Shop.Inventory.LegacyErp;

/// <summary>
/// The facade half of the anti-corruption layer: the one place that knows the ERP's address, route, parameter names
/// and failure modes. It hands the inventory a translated <see cref="StockCountBatch"/> or a
/// <see cref="StockSourceUnavailableException"/>, nothing of the ERP's own.
/// </summary>
internal sealed class LegacyErpStockSource(HttpClient http, IOptions<LegacyErpOptions> options) : IStockCountSource
{
    public async Task<StockCountBatch> ReadAsync(CancellationToken cancellationToken)
    {
        var plant = options.Value.Plant;
        string export;
        try
        {
            using var response = await http.GetAsync(new Uri($"sap/mb52/export?WERKS={Uri.EscapeDataString(plant)}", UriKind.Relative), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new StockSourceUnavailableException($"the ERP export answered {(int)response.StatusCode}");
            }

            export = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new StockSourceUnavailableException($"the ERP is unreachable: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StockSourceUnavailableException($"the ERP export took longer than {options.Value.Timeout}", e);
        }

        return LegacyErpStockTranslator.Translate(export, plant);
    }
}
