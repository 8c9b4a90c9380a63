using Bulwark.EventSourcing;
using Bulwark.Data;
using Shop.Infrastructure.Data;

namespace Shop.Infrastructure.EventSourcing;

/// <summary>
/// A projection into one table of a module's database, rebuilt into <c>{table}_rebuild</c> and swapped in
/// (<see cref="ShadowTable"/>), so readers keep the whole read model during a rebuild. Subclasses write one event into
/// the table they are given, which is the live one or the shadow; they must be idempotent (see <see cref="IProjection"/>).
/// </summary>
public abstract class ShadowTableProjection : IShadowRebuildProjection
{
    private readonly string _shadow;

    /// <summary>Creates the projection.</summary>
    /// <param name="database">The shop database.</param>
    /// <param name="name">The projection's name (its checkpoint key).</param>
    /// <param name="table">The live read-model table.</param>
    protected ShadowTableProjection(ShopDatabase database, string name, string table)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        Database = database ?? throw new ArgumentNullException(nameof(database));
        Name = name;
        Table = table;
        _shadow = table + "_rebuild";
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The shop database.</summary>
    protected ShopDatabase Database { get; }

    /// <summary>The live read-model table, for queries.</summary>
    protected string Table { get; }

    /// <inheritdoc />
    public Task ApplyAsync(RecordedEvent recorded, object domainEvent, CancellationToken cancellationToken) =>
        ApplyToAsync(Table, recorded, domainEvent, cancellationToken);

    /// <inheritdoc />
    public Task ApplyToShadowAsync(RecordedEvent recorded, object domainEvent, CancellationToken cancellationToken) =>
        ApplyToAsync(_shadow, recorded, domainEvent, cancellationToken);

    /// <inheritdoc />
    public virtual async Task ResetAsync(CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand($"DELETE FROM {Table};");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task BeginShadowAsync(CancellationToken cancellationToken) => ShadowTable.CreateAsync(Database, Table, _shadow, cancellationToken);

    /// <inheritdoc />
    public virtual Task SwapShadowAsync(CancellationToken cancellationToken) => ShadowTable.SwapAsync(Database, Table, _shadow, cancellationToken);

    /// <summary>Applies one event to <paramref name="table"/> (the live table or its shadow).</summary>
    /// <param name="table">Where to write.</param>
    /// <param name="recorded">The stored event.</param>
    /// <param name="domainEvent">The deserialized event.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task that completes when the table is updated.</returns>
    protected abstract Task ApplyToAsync(string table, RecordedEvent recorded, object domainEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Runs one statement for <paramref name="recorded"/> on its own connection, with <c>@v</c> bound to the event's
    /// stream version (what keeps a row from going back to an older state) and <paramref name="parameters"/>.
    /// </summary>
    /// <param name="sql">The statement, written against the table <see cref="ApplyToAsync"/> was given.</param>
    /// <param name="recorded">The stored event.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <param name="parameters">The statement's other parameters; <see langword="null"/> binds SQL NULL.</param>
    /// <returns>A task that completes when the statement ran.</returns>
    protected async Task ExecuteAsync(string sql, RecordedEvent recorded, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(parameters);
        await using var connection = await Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand(sql).With("v", recorded.Version);
        foreach (var (name, value) in parameters)
        {
            command.With(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
