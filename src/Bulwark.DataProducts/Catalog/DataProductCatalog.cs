using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Bulwark.DataProducts;

/// <summary>
/// What the data products are and how fresh they are: contract, owner, versions on disk, age of the newest against the
/// freshness SLO. Also the <c>Bulwark.DataProducts</c> meter: <c>bulwark.data_product.age</c> (seconds since the newest
/// version was built, by <c>product</c>; Prometheus <c>bulwark_data_product_age_seconds</c>) and
/// <c>bulwark.data_product.freshness_slo</c> (the contract's freshness SLO, for the alert to compare with).
/// </summary>
public sealed class DataProductCatalog
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Bulwark.DataProducts";

    private readonly IReadOnlyDictionary<string, DataProduct> _products;
    private readonly DataProductStore _store;
    private readonly TimeProvider _time;

    // The newest build per product, read from disk once and then kept by the builder, so a scrape does no file I/O.
    private readonly ConcurrentDictionary<string, DateTimeOffset?> _latest = new(StringComparer.Ordinal);

    /// <summary>Creates the catalogue.</summary>
    /// <param name="builder">The builder (its products; it reports each build here).</param>
    /// <param name="store">The published versions.</param>
    /// <param name="time">The clock ages are measured with.</param>
    /// <param name="meterFactory">Creates the meter.</param>
    public DataProductCatalog(DataProductBuilder builder, DataProductStore store, TimeProvider time, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _products = builder.Products;
        _store = store;
        _time = time;
        builder.Published += v => _latest[v.ProductId] = v.BuiltAt;
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        meter.CreateObservableGauge("bulwark.data_product.age", ObserveAge, "s", "Seconds since the newest version of the data product was built.");
        // The SLO beside the age, so one alert rule compares each product with its own contract's promise.
        meter.CreateObservableGauge("bulwark.data_product.freshness_slo", ObserveSlo, "s", "The data product's freshness SLO from its contract.");
    }

    /// <summary>Every product with its freshness, by id.</summary>
    /// <returns>One entry per registered product.</returns>
    public IReadOnlyList<DataProductEntry> List() =>
        [.. _products.Values.OrderBy(p => p.Contract.Id, StringComparer.Ordinal).Select(p => EntryOf(p.Contract))];

    /// <summary>One product, or <see langword="null"/>.</summary>
    /// <param name="productId">The product id.</param>
    /// <returns>The entry.</returns>
    public DataProductEntry? Find(string productId) =>
        _products.TryGetValue(productId, out var product) ? EntryOf(product.Contract) : null;

    /// <summary>The age of the newest version, or <see langword="null"/> when none was built.</summary>
    /// <param name="productId">The product id.</param>
    /// <returns>The age.</returns>
    public TimeSpan? AgeOf(string productId)
    {
        var builtAt = _latest.GetOrAdd(productId, id => _store.Versions(id) is { Count: > 0 } versions ? versions[^1].BuiltAt : null);
        return builtAt is { } at ? _time.GetUtcNow() - at : null;
    }

    private DataProductEntry EntryOf(DataContract contract)
    {
        var versions = _store.Versions(contract.Id);
        var age = AgeOf(contract.Id);
        return new DataProductEntry(contract, versions, age, age is { } a && a <= contract.Freshness);
    }

    private IEnumerable<Measurement<double>> ObserveSlo() =>
        _products.Values.Select(p => new Measurement<double>(p.Contract.Freshness.TotalSeconds, new KeyValuePair<string, object?>("product", p.Contract.Id)));

    private IEnumerable<Measurement<double>> ObserveAge()
    {
        foreach (var id in _products.Keys)
        {
            if (AgeOf(id) is { } age)
            {
                yield return new Measurement<double>(age.TotalSeconds, new KeyValuePair<string, object?>("product", id));
            }
        }
    }
}

/// <summary>A product in the catalogue.</summary>
/// <param name="Contract">Its contract.</param>
/// <param name="Versions">Its versions on disk, oldest first.</param>
/// <param name="Age">Time since the newest version was built; <see langword="null"/> when none was.</param>
/// <param name="Fresh">Whether the newest version is within the freshness SLO.</param>
public sealed record DataProductEntry(DataContract Contract, IReadOnlyList<DataProductVersion> Versions, TimeSpan? Age, bool Fresh);
