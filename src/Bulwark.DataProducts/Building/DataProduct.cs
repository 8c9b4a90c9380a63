using Bulwark.EventSourcing;

namespace Bulwark.DataProducts;

/// <summary>
/// A data product a module owns: its contract and how its rows follow from the module's own events (never from
/// another module's tables). Stateless; every build starts a fresh <see cref="DataProductProjection"/> and folds the
/// event log from the beginning into it, so each version is a complete, reproducible snapshot.
/// </summary>
public abstract class DataProduct
{
    /// <summary>The contract every version is checked against and published with.</summary>
    public abstract DataContract Contract { get; }

    /// <summary>
    /// The registered event names the projection reads, without the schema version (for example
    /// <c>orders.OrderPlaced</c>): only these are deserialized and applied. They are the owning module's own events.
    /// </summary>
    public abstract IReadOnlySet<string> SourceEvents { get; }

    /// <summary>Starts an empty projection for one build.</summary>
    /// <returns>The projection.</returns>
    public abstract DataProductProjection StartProjection();
}

/// <summary>Folds a product's events into rows, for one build.</summary>
public abstract class DataProductProjection
{
    /// <summary>Applies one event (already deserialized, personal fields decrypted or shredded).</summary>
    /// <param name="recorded">The stored event (position, time, stream).</param>
    /// <param name="domainEvent">The event object.</param>
    public abstract void Apply(RecordedEvent recorded, object domainEvent);

    /// <summary>The rows after every event was applied.</summary>
    /// <returns>The rows, in the order they are written.</returns>
    public abstract IEnumerable<DataProductRow> Rows();
}

/// <summary>One row of a data product before publication.</summary>
/// <param name="Subject">
/// The data subject the row is about (key-store subject id, e.g. <c>customer:…</c>), or <see langword="null"/>; a row
/// whose subject was forgotten is left out of every version built after.
/// </param>
/// <param name="Values">The value of each contract field by name (raw: personal fields are pseudonymised on write).</param>
public sealed record DataProductRow(string? Subject, IReadOnlyDictionary<string, object?> Values);
