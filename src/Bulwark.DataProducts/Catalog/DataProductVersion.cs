namespace Bulwark.DataProducts;

/// <summary>One built version of a data product (its <c>manifest.json</c>).</summary>
/// <param name="ProductId">The product.</param>
/// <param name="Version">The dataset version: 1, 2, … per product, one per build.</param>
/// <param name="ContractVersion">The contract version it was built under.</param>
/// <param name="BuiltAt">When the build finished.</param>
/// <param name="Rows">The rows written.</param>
/// <param name="SourcePosition">The event-log position the build read up to.</param>
/// <param name="ForgottenRowsLeftOut">Rows left out because their subject was forgotten.</param>
public sealed record DataProductVersion(string ProductId, long Version, string ContractVersion, DateTimeOffset BuiltAt, long Rows, long SourcePosition, long ForgottenRowsLeftOut);
