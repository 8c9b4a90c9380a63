using System.Collections.Concurrent;
using Bulwark.EventSourcing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.DataProducts;

/// <summary>
/// Builds a new version of a data product from the event log: reads the product's own events from the start, folds
/// them with a fresh projection, leaves out rows of forgotten subjects, pseudonymises or omits personal fields as the
/// contract classifies them, checks each value against its declared type, and publishes Parquet + contract + manifest
/// as the next version. One build per product at a time; scheduled and on-demand builds queue behind each other.
/// </summary>
public sealed partial class DataProductBuilder
{
    private const int PageSize = 500;

    private readonly Dictionary<string, DataProduct> _products;
    private readonly IEventStore _events;
    private readonly EventSerializer _serializer;
    private readonly IForgottenSubjects _forgotten;
    private readonly DataProductStore _store;
    private readonly IOptions<DataProductOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DataProductBuilder> _logger;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    /// <summary>Creates the builder.</summary>
    /// <param name="products">Every registered product.</param>
    /// <param name="events">The event log.</param>
    /// <param name="serializer">Deserializes events (personal fields decrypted, or shredded).</param>
    /// <param name="forgotten">Which subjects were forgotten.</param>
    /// <param name="store">Where versions are published.</param>
    /// <param name="options">The options.</param>
    /// <param name="time">The clock for the build stamp.</param>
    /// <param name="logger">The log.</param>
    public DataProductBuilder(
        IEnumerable<DataProduct> products,
        IEventStore events,
        EventSerializer serializer,
        IForgottenSubjects forgotten,
        DataProductStore store,
        IOptions<DataProductOptions> options,
        TimeProvider time,
        ILogger<DataProductBuilder> logger)
    {
        ArgumentNullException.ThrowIfNull(products);
        _products = products.ToDictionary(p => p.Contract.Id, StringComparer.Ordinal);
        _events = events;
        _serializer = serializer;
        _forgotten = forgotten;
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
    }

    // Raised after a version is published: the catalogue keeps the newest build time from it.
    internal event Action<DataProductVersion>? Published;

    /// <summary>The registered products by id.</summary>
    public IReadOnlyDictionary<string, DataProduct> Products => _products;

    /// <summary>Builds and publishes the next version of <paramref name="productId"/>.</summary>
    /// <param name="productId">The product.</param>
    /// <param name="cancellationToken">Cancels the build (nothing is published then).</param>
    /// <returns>The published version.</returns>
    /// <exception cref="KeyNotFoundException">No product has that id.</exception>
    /// <exception cref="DataContractViolationException">The projection produced a value its contract does not allow.</exception>
    public async Task<DataProductVersion> BuildAsync(string productId, CancellationToken cancellationToken)
    {
        if (!_products.TryGetValue(productId, out var product))
        {
            throw new KeyNotFoundException($"There is no data product '{productId}'. Registered: {string.Join(", ", _products.Keys.Order(StringComparer.Ordinal))}.");
        }

        var gate = _gates.GetOrAdd(productId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await BuildLockedAsync(product, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<DataProductVersion> BuildLockedAsync(DataProduct product, CancellationToken cancellationToken)
    {
        var contract = product.Contract;
        var projection = product.StartProjection();
        var position = 0L;
        while (true)
        {
            var page = await _events.ReadAllAsync(position, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var recorded in page)
            {
                if (product.SourceEvents.Contains(BaseName(recorded.EventType)))
                {
                    projection.Apply(recorded, await _serializer.DeserializeAsync(recorded, cancellationToken).ConfigureAwait(false));
                }

                position = recorded.Position;
            }

            if (page.Count < PageSize)
            {
                break;
            }
        }

        var pseudonyms = new Pseudonymiser(_options.Value.PseudonymKeyBytes());
        var forgottenCache = new Dictionary<string, bool>(StringComparer.Ordinal);
        var published = new List<IReadOnlyDictionary<string, object?>>();
        var leftOut = 0L;
        foreach (var row in projection.Rows())
        {
            if (row.Subject is { } subject)
            {
                if (!forgottenCache.TryGetValue(subject, out var gone))
                {
                    gone = await _forgotten.IsForgottenAsync(subject, cancellationToken).ConfigureAwait(false);
                    forgottenCache[subject] = gone;
                }

                if (gone)
                {
                    leftOut++;
                    continue;
                }
            }

            published.Add(Publish(contract, row, pseudonyms));
        }

        var versions = _store.Versions(contract.Id);
        var next = new DataProductVersion(contract.Id, (versions.Count == 0 ? 0 : versions[^1].Version) + 1, contract.Version, _time.GetUtcNow(), published.Count, position, leftOut);
        var staging = _store.StagingFolder(contract.Id);
        Directory.CreateDirectory(staging);
        try
        {
            await ParquetDataset.WriteAsync(Path.Combine(staging, DataProductStore.DataFile), contract, published, cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(staging, DataProductStore.ContractFile), DataContractJson.Write(contract), cancellationToken).ConfigureAwait(false);
            DataProductStore.WriteManifest(staging, next);
            var final = _store.FinalFolder(contract.Id, contract.MajorVersion, next.Version);
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            Directory.Move(staging, final);
        }
        catch
        {
            // A half-written version is never published; the staging folder is the only trace and goes too.
            Directory.Delete(staging, recursive: true);
            throw;
        }

        _store.Prune(contract.Id, _options.Value.KeepVersions);
        Published?.Invoke(next);
        DataProductLog.Built(_logger, contract.Id, next.Version, next.Rows, next.ForgottenRowsLeftOut, next.SourcePosition);
        return next;
    }

    private static Dictionary<string, object?> Publish(DataContract contract, DataProductRow row, Pseudonymiser pseudonyms)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var field in contract.Fields)
        {
            row.Values.TryGetValue(field.Name, out var value);
            if (value is null)
            {
                if (field.Required)
                {
                    throw new DataContractViolationException(contract.Id, field.Name, $"is required but a row has no value");
                }
            }
            else if (!Matches(field.Type, value))
            {
                throw new DataContractViolationException(contract.Id, field.Name, $"is declared {field.Type} but a row holds a {value.GetType().Name}");
            }

            if (!field.IsPublished)
            {
                continue;
            }

            values[field.Name] = field.IsPseudonymised && value is not null ? pseudonyms.Pseudonym(value) : value;
        }

        var undeclared = row.Values.Keys.Where(k => !contract.Fields.Any(f => f.Name == k)).ToArray();
        if (undeclared.Length > 0)
        {
            // A projection that emits a field its contract does not declare would publish it unclassified.
            throw new DataContractViolationException(contract.Id, undeclared[0], "is not declared in the contract; declare and classify it first");
        }

        return values;
    }

    // Stored names carry the schema version (orders.OrderPlaced.v1); a product names the event, whatever its version,
    // and its upcasters bring old shapes to the current one.
    private static string BaseName(string eventType)
    {
        var version = eventType.LastIndexOf(".v", StringComparison.Ordinal);
        return version < 0 ? eventType : eventType[..version];
    }

    private static bool Matches(FieldType type, object value) => type switch
    {
        FieldType.Text => value is string,
        FieldType.WholeNumber => value is long,
        FieldType.Boolean => value is bool,
        FieldType.Timestamp => value is DateTimeOffset,
        _ => false,
    };
}

/// <summary>A projection produced a row its product's contract does not allow; nothing was published.</summary>
public sealed class DataContractViolationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="productId">The product.</param>
    /// <param name="field">The field.</param>
    /// <param name="problem">What is wrong, completing "Field X ...".</param>
    public DataContractViolationException(string productId, string field, string problem)
        : base($"Data product '{productId}': field '{field}' {problem}. Fix the projection or change the contract (with a new version).")
    {
        ProductId = productId;
        Field = field;
    }

    /// <summary>Creates the exception.</summary>
    public DataContractViolationException()
        : this(string.Empty, string.Empty, string.Empty)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public DataContractViolationException(string message)
        : base(message)
    {
        ProductId = string.Empty;
        Field = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DataContractViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
        ProductId = string.Empty;
        Field = string.Empty;
    }

    /// <summary>The product.</summary>
    public string ProductId { get; }

    /// <summary>The field.</summary>
    public string Field { get; }
}
