namespace Shop.Inventory.StockSync;

/// <summary>
/// A physical count of one product in the inventory's own terms: units on the shelf and what one unit cost, as of a
/// day. Whatever system counted it, and in whatever shape, is the anti-corruption layer's business.
/// </summary>
internal sealed record StockCount(int ProductId, int Units, long UnitCostCents, string Currency, DateOnly CountedOn);

/// <summary>
/// A source line that could not be turned into a <see cref="StockCount"/> (<paramref name="LineNumber"/> is its line in the
/// delivery), or a readable count the inventory refused (line 0, <paramref name="Raw"/> describes the count).
/// </summary>
internal sealed record RejectedLine(int LineNumber, string Raw, string Reason);

/// <summary>One delivery of counts, identified by the source so the same delivery is applied once.</summary>
internal sealed record StockCountBatch(string Id, IReadOnlyList<StockCount> Counts, IReadOnlyList<RejectedLine> Rejected);

/// <summary>Where physical counts come from (the port; the legacy ERP's facade is its adapter).</summary>
internal interface IStockCountSource
{
    /// <summary>The source's current counts. Throws <see cref="StockSourceUnavailableException"/> when it cannot be read.</summary>
    Task<StockCountBatch> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>The count source did not answer; nothing was applied and the next round tries again.</summary>
internal sealed class StockSourceUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
