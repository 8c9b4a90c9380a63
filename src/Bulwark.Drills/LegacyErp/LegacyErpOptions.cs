using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.LegacyErp;

/// <summary>
/// Where the Legacy ERP drill finds the ERP stand-in and the shop's stock sync, which products it moves and spoils, and
/// its thresholds. The target is the shop (its ERP sync pointed at <see cref="ErpUrl"/>, the operator key given with
/// <c>--api-key</c>). See <c>docs/drills.md#legacy-erp</c>.
/// </summary>
public sealed class LegacyErpOptions : IValidatableObject
{
    /// <summary>
    /// The legacy ERP stand-in (<c>shop/Shop.Externals</c>, <c>--apps erp</c>): the drill moves counts and plants raw lines
    /// through its <c>/_control/erp</c> endpoints. <c>--dependency erp=URL</c> sets it.
    /// </summary>
    /// <value>The default value is null: the drill is skipped without it.</value>
    public Uri? ErpUrl { get; set; }

    /// <summary>The ERP plant the shop syncs (<c>Shop:Inventory:LegacyErp:Plant</c>), written into the planted lines.</summary>
    /// <value>The default value is <c>0001</c>, the shop's default.</value>
    [Required]
    [StringLength(4, MinimumLength = 4)]
    public string Plant { get; set; } = "0001";

    /// <summary>The first product the drill uses; the moved products follow it, then the products touched only by bad lines.</summary>
    /// <value>The default value is 41 (the ERP stand-in holds materials 1 to 60, one per demo product).</value>
    [Range(1, 60)]
    public int FirstProduct { get; set; } = 41;

    /// <summary>Products whose ERP count the drill changes before each sync: their stock must move as the ERP says, in units.</summary>
    /// <value>The default value is 3.</value>
    [Range(1, 10)]
    public int MovedProducts { get; set; } = 3;

    /// <summary>Products that only malformed lines touch in the spoiled sync: their stock must not move.</summary>
    /// <value>The default value is 3.</value>
    [Range(1, 10)]
    public int BadOnlyProducts { get; set; } = 3;

    /// <summary>Malformed lines planted among the export's good ones, cycling through the kinds (bad number, unknown pack code, ...).</summary>
    /// <value>The default value is 7, one of each kind.</value>
    [Range(1, 100)]
    public int MalformedRows { get; set; } = 7;

    /// <summary>The longest one sync may take before the drill counts it too slow.</summary>
    /// <value>The default value is 30 seconds (the shop's own ERP timeout is 30 s; a loaded CI machine is slow).</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan MaxSyncLatency { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of each of the drill's own requests.</summary>
    /// <value>The default value is 60 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The shop's Prometheus scrape, read for <see cref="QuarantinedMetric"/>; the target's <c>/metrics</c> when null.</summary>
    /// <value>The default value is null (in Development the shop serves <c>/metrics</c> on its main port).</value>
    public Uri? MetricsUrl { get; set; }

    /// <summary>The counter of quarantined lines as exported.</summary>
    /// <value>The default value is <c>shop_inventory_stock_sync_quarantined_rows_total</c>.</value>
    [Required]
    public string QuarantinedMetric { get; set; } = "shop_inventory_stock_sync_quarantined_rows_total";

    /// <summary>Runs one sync now (operator).</summary>
    /// <value>The default value is <c>/api/inventory/stock-sync</c>.</value>
    [Required]
    public string SyncPath { get; set; } = "/api/inventory/stock-sync";

    /// <summary>The quarantined lines, newest first (operator).</summary>
    /// <value>The default value is <c>/api/inventory/stock-sync/quarantine</c>.</value>
    [Required]
    public string QuarantinePath { get; set; } = "/api/inventory/stock-sync/quarantine";

    /// <summary>A product's stock; <c>{0}</c> is the product id.</summary>
    /// <value>The default value is <c>/api/inventory/{0}</c>.</value>
    [Required]
    public string StockPath { get; set; } = "/api/inventory/{0}";

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // The stand-in exports materials 1 to 60: a product past it would have no good line to move or to leave alone.
        if (FirstProduct + MovedProducts + BadOnlyProducts - 1 > 60)
        {
            yield return new ValidationResult(
                $"FirstProduct ({FirstProduct}) + MovedProducts ({MovedProducts}) + BadOnlyProducts ({BadOnlyProducts}) reach past product 60, the ERP stand-in's last material; lower FirstProduct.",
                [nameof(FirstProduct)]);
        }
    }
}
