using System.Data.Common;

namespace Bulwark.Data;

/// <summary>
/// What truly differs between the SQL databases Bulwark's stores run on: how values are represented, how a writer
/// takes its lock, how migrations are serialized, and which errors are worth running a unit of work again for.
/// Everything else (the SQL text with <c>@name</c> parameters, the mapping) is written once in the store.
/// See docs/adr/0003-one-data-layer.md.
/// </summary>
public abstract class SqlDialect
{
    /// <summary>Sets what a dialect only states (no behaviour): its name, concurrency, migration rule and type names.</summary>
    /// <param name="name">The dialect's stable name (<see cref="SqlDialectNames"/>).</param>
    /// <param name="concurrency">How concurrent writers are kept apart.</param>
    /// <param name="migratesBesideOpenTransaction">Whether a migration may run beside a caller's open transaction.</param>
    /// <param name="types">The column types this dialect spells differently.</param>
    protected SqlDialect(string name, SqlConcurrency concurrency, bool migratesBesideOpenTransaction, SqlTypeNames types)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(types);
        Name = name;
        Concurrency = concurrency;
        MigratesBesideOpenTransaction = migratesBesideOpenTransaction;
        Types = types;
    }

    /// <summary>The dialect's stable name (<see cref="SqlDialectNames"/>); picks a component's migration scripts.</summary>
    public string Name { get; }

    /// <summary>How concurrent writers are kept apart; stores that claim rows choose their claim strategy by it.</summary>
    public SqlConcurrency Concurrency { get; }

    /// <summary>
    /// Whether the schema may be migrated on a second connection while a caller's transaction is open. SQLite cannot:
    /// the migration would wait for the single write lock the caller's own transaction holds.
    /// </summary>
    public bool MigratesBesideOpenTransaction { get; }

    /// <summary>The column types this dialect spells differently.</summary>
    public SqlTypeNames Types { get; }

    /// <summary>
    /// The clause, with its leading space, that locks the rows a query reads until the transaction ends: <c> FOR
    /// UPDATE</c> where writers lock rows, empty where the write transaction already excludes every other writer.
    /// </summary>
    public string RowLockClause => Concurrency == SqlConcurrency.RowLocks ? " FOR UPDATE" : string.Empty;

    /// <summary>The parameter value of a point in time (a UTC timestamp, or Unix milliseconds where no such type exists).</summary>
    /// <param name="value">The time.</param>
    /// <returns>The value to bind.</returns>
    public abstract object Timestamp(DateTimeOffset value);

    /// <summary>Reads a column written with <see cref="Timestamp"/>.</summary>
    /// <param name="reader">The reader.</param>
    /// <param name="ordinal">The column.</param>
    /// <returns>The time, in UTC.</returns>
    public abstract DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal);

    /// <summary>The parameter value of a <see cref="Guid"/> (a native uuid, or its text where no such type exists).</summary>
    /// <param name="value">The id.</param>
    /// <returns>The value to bind.</returns>
    public abstract object Uuid(Guid value);

    /// <summary>Reads a column written with <see cref="Uuid"/>.</summary>
    /// <param name="reader">The reader.</param>
    /// <param name="ordinal">The column.</param>
    /// <returns>The id.</returns>
    public abstract Guid ReadUuid(DbDataReader reader, int ordinal);

    /// <summary>Adds a JSON document parameter (typed as JSON where the database checks it).</summary>
    /// <param name="command">The command.</param>
    /// <param name="name">The parameter name, without prefix.</param>
    /// <param name="json">The document, or <see langword="null"/>.</param>
    /// <returns>The command.</returns>
    public abstract DbCommand WithJson(DbCommand command, string name, string? json);

    /// <summary>
    /// Begins a transaction that will write: SQLite takes its single write lock up front (<c>BEGIN IMMEDIATE</c>) so
    /// the transaction never fails half-way on an upgrade; PostgreSQL begins an ordinary transaction.
    /// </summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="cancellationToken">Cancels the begin.</param>
    /// <returns>The transaction.</returns>
    public abstract ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// Takes <paramref name="name"/> until <paramref name="transaction"/> ends, so writers naming the same lock run one at
    /// a time (shared holders exclude only exclusive ones). PostgreSQL takes a transaction-scoped advisory lock. The
    /// default does nothing: a single-writer database's write transaction (<see cref="BeginWriteAsync"/>) already
    /// excludes every other writer.
    /// </summary>
    /// <param name="connection">The transaction's connection.</param>
    /// <param name="transaction">A transaction begun with <see cref="BeginWriteAsync"/>.</param>
    /// <param name="name">The lock.</param>
    /// <param name="mode">Alone, or beside other shared holders.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the lock is held.</returns>
    public virtual ValueTask LockAsync(DbConnection connection, DbTransaction transaction, SqlWriterLock name, SqlWriterLockMode mode, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    /// <summary>Whether <paramref name="exception"/> means "the row or key already exists" (a unique or primary-key violation).</summary>
    /// <param name="exception">The exception.</param>
    /// <returns><see langword="true"/> for a unique violation.</returns>
    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>
    /// Runs a whole unit of work (open, transaction, commit), again when it failed on a condition that a fresh attempt
    /// can pass (SQLite's busy write lock). The default runs it once.
    /// </summary>
    /// <typeparam name="T">The result.</typeparam>
    /// <param name="work">The unit of work; it must roll back entirely when it fails.</param>
    /// <param name="timeProvider">The clock for pauses between attempts.</param>
    /// <param name="cancellationToken">Cancels the work and the pauses.</param>
    /// <returns>The result of the first attempt that succeeded.</returns>
    public virtual Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return work(cancellationToken);
    }

    /// <summary>
    /// Begins the transaction a migration runs in and serializes it against every other process migrating the same
    /// database (PostgreSQL: a transaction-scoped advisory lock; SQLite: <c>BEGIN IMMEDIATE</c>).
    /// </summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The transaction holding the migration lock.</returns>
    public abstract ValueTask<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Whether the migration history table exists (read inside <paramref name="transaction"/>).</summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="transaction">The caller's transaction, if any.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns><see langword="true"/> when it exists.</returns>
    public abstract Task<bool> HistoryExistsAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken);
}

/// <summary>How a database keeps concurrent writers apart.</summary>
public enum SqlConcurrency
{
    /// <summary>One writer at a time for the whole file (SQLite): claims are short leases written in one statement.</summary>
    SingleWriter,

    /// <summary>Row locks with <c>FOR UPDATE SKIP LOCKED</c> and advisory locks (PostgreSQL): claims hold locks in a transaction.</summary>
    RowLocks,
}

/// <summary>The names of the dialects Bulwark ships.</summary>
public static class SqlDialectNames
{
    /// <summary>SQLite (Microsoft.Data.Sqlite).</summary>
    public const string Sqlite = "sqlite";

    /// <summary>PostgreSQL (Npgsql).</summary>
    public const string Postgres = "postgres";
}

/// <summary>Column type names that differ between dialects, for scripts written once.</summary>
/// <param name="Text">Unbounded text.</param>
/// <param name="Number">A 32-bit integer.</param>
/// <param name="BigNumber">A 64-bit integer.</param>
/// <param name="Timestamp">A point in time as bound by <see cref="SqlDialect.Timestamp"/>.</param>
/// <param name="Bytes">A byte array.</param>
/// <param name="Json">A JSON document.</param>
/// <param name="Uuid">A <see cref="Guid"/> as bound by <see cref="SqlDialect.Uuid"/>.</param>
/// <param name="IdentityKey">An auto-incrementing 64-bit primary key column definition.</param>
public sealed record SqlTypeNames(string Text, string Number, string BigNumber, string Timestamp, string Bytes, string Json, string Uuid, string IdentityKey);
