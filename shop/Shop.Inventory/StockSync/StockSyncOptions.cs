using System.ComponentModel.DataAnnotations;

namespace Shop.Inventory.StockSync;

/// <summary>Whether and how often stock counts are pulled in. Bound from <c>Shop:Inventory:StockSync</c>.</summary>
internal sealed class StockSyncOptions
{
    public const string SectionName = "Shop:Inventory:StockSync";

    /// <summary>Pull counts in the background (operators can always run one with <c>POST /api/inventory/stock-sync</c>).</summary>
    /// <value>The default value is <see langword="false"/>: the shop's own stock is the truth until a count source is set up.</value>
    public bool Enabled { get; set; }

    /// <summary>Time between two pulls.</summary>
    /// <value>The default value is 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);
}
