using Bulwark.DataProducts;
using Shop.Analytics.Contracts;

namespace Shop.Analytics.Sales;

/// <summary>
/// The sales summary, read only from the published data products (<c>orders</c>, <c>catalogue</c>, <c>payments</c>):
/// Analytics sees what the owning modules publish under their contracts, never their tables, so a module can change
/// its storage without breaking this report (Codex 33).
/// </summary>
internal sealed class SalesFromDataProducts(DataProductReader reader)
{
    public async Task<SalesSummaryDto> SummariseAsync(CancellationToken cancellationToken)
    {
        var orders = await reader.ReadLatestAsync("orders", cancellationToken);
        var catalogue = await reader.ReadLatestAsync("catalogue", cancellationToken);
        var payments = await reader.ReadLatestAsync("payments", cancellationToken);
        var orderRows = orders?.Rows ?? [];
        var paymentRows = payments?.Rows ?? [];
        return new SalesSummaryDto(
            [Source("orders", orders), Source("catalogue", catalogue), Source("payments", payments)],
            orderRows.Count,
            orderRows.Count(r => Text(r, "status") == "Confirmed"),
            orderRows.Count(r => Text(r, "status") == "Rejected"),
            orderRows.Select(r => Text(r, "customer_id")).Distinct(StringComparer.Ordinal).Count(),
            [.. orderRows.Where(r => Text(r, "status") == "Confirmed")
                .GroupBy(r => Text(r, "currency"), StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new RevenueDto(g.Key, g.Sum(r => (long)r["total_cents"]!)))],
            catalogue?.Rows.Count ?? 0,
            paymentRows.Count(r => Text(r, "outcome") == "Charged"),
            paymentRows.Count(r => Text(r, "outcome") == "Declined"),
            paymentRows.Count(r => r["refunded"] is true));
    }

    private static string Text(IReadOnlyDictionary<string, object?> row, string field) => (string?)row[field] ?? string.Empty;

    private static DataProductSourceDto Source(string id, DataProductSnapshot? snapshot) =>
        new(id, snapshot?.Version.Version, snapshot?.Contract.Version, snapshot?.Version.BuiltAt);
}
