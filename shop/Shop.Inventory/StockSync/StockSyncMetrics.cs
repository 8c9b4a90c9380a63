using System.Diagnostics.Metrics;

namespace Shop.Inventory.StockSync;

/// <summary>
/// Meter <c>Shop.Inventory</c>: <c>shop.inventory.stock_sync.quarantined_rows</c> (counter: source lines set aside,
/// never applied), <c>shop.inventory.stock_sync.quarantine_size</c> (gauge: rows waiting for a person) and
/// <c>shop.inventory.stock_sync.batches</c> (counter by <c>outcome</c>: applied, already_applied, source_unavailable, failed).
/// </summary>
internal sealed class StockSyncMetrics
{
    public const string MeterName = "Shop.Inventory";

    private readonly Counter<long> _quarantined;
    private readonly Counter<long> _batches;
    private long _quarantineSize;

    public StockSyncMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _quarantined = meter.CreateCounter<long>("shop.inventory.stock_sync.quarantined_rows", description: "Stock count lines quarantined instead of applied.");
        _batches = meter.CreateCounter<long>("shop.inventory.stock_sync.batches", description: "Stock count batches by outcome.");
        meter.CreateObservableGauge("shop.inventory.stock_sync.quarantine_size", () => Interlocked.Read(ref _quarantineSize), description: "Quarantined stock count lines in the table.");
    }

    public void Quarantined(int rows) => _quarantined.Add(rows);

    public void Batch(string outcome) => _batches.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void SetQuarantineSize(long rows) => Interlocked.Exchange(ref _quarantineSize, rows);
}
