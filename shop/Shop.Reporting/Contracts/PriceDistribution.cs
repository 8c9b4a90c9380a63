namespace Shop.Reporting.Contracts;

/// <summary>How many simulated price points fall in each tenth of the price range.</summary>
public sealed record PriceDistribution(IReadOnlyList<long> Buckets);
