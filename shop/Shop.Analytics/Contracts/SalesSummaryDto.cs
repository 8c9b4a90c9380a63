namespace Shop.Analytics.Contracts;

/// <summary>The sales summary Analytics computes from the data products alone.</summary>
/// <param name="Sources">The data product versions it was computed from.</param>
/// <param name="Orders">Orders in the orders product.</param>
/// <param name="ConfirmedOrders">Of those, confirmed.</param>
/// <param name="RejectedOrders">Of those, rejected.</param>
/// <param name="Customers">Distinct customers (counted by pseudonym).</param>
/// <param name="ConfirmedRevenue">Confirmed order totals per currency.</param>
/// <param name="ProductsListed">Products in the catalogue product.</param>
/// <param name="PaymentsCharged">Payments charged.</param>
/// <param name="PaymentsDeclined">Payments declined.</param>
/// <param name="PaymentsRefunded">Charged payments refunded since.</param>
public sealed record SalesSummaryDto(
    DataProductSourceDto[] Sources,
    long Orders,
    long ConfirmedOrders,
    long RejectedOrders,
    long Customers,
    RevenueDto[] ConfirmedRevenue,
    long ProductsListed,
    long PaymentsCharged,
    long PaymentsDeclined,
    long PaymentsRefunded);

/// <summary>One data product version a report read; nulls when the product was never built.</summary>
public sealed record DataProductSourceDto(string Product, long? Version, string? ContractVersion, DateTimeOffset? BuiltAt);

/// <summary>A revenue total in one currency, in its minor unit.</summary>
public sealed record RevenueDto(string Currency, long Cents);
