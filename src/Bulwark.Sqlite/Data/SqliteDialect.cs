using System.Data.Common;
using Bulwark.Data;
using Microsoft.Data.Sqlite;

namespace Bulwark.Sqlite;

/// <summary>
/// SQLite's dialect: one writer per file, so writers begin with <c>BEGIN IMMEDIATE</c> and a busy lock runs the whole
/// unit of work again (<see cref="SqliteBusyRetry"/>); times are Unix milliseconds and ids are text.
/// </summary>
public sealed class SqliteDialect : SqlDialect
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;

    private SqliteDialect()
        : base(
            SqlDialectNames.Sqlite,
            SqlConcurrency.SingleWriter,
            migratesBesideOpenTransaction: false,
            new SqlTypeNames(
                Text: "TEXT", Number: "INTEGER", BigNumber: "INTEGER", Timestamp: "INTEGER", Bytes: "BLOB", Json: "TEXT", Uuid: "TEXT",
                IdentityKey: "INTEGER PRIMARY KEY AUTOINCREMENT"))
    {
    }

    /// <summary>The dialect (it has no state).</summary>
    public static SqliteDialect Instance { get; } = new();

    /// <inheritdoc />
    public override object Timestamp(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    /// <inheritdoc />
    public override DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));
    }

    /// <inheritdoc />
    public override object Uuid(Guid value) => value.ToString();

    /// <inheritdoc />
    public override Guid ReadUuid(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return Guid.Parse(reader.GetString(ordinal));
    }

    /// <inheritdoc />
    public override DbCommand WithJson(DbCommand command, string name, string? json) => command.With(name, json);

    /// <inheritdoc />
    public override ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(AsSqlite(connection).BeginTransaction(deferred: false));

    /// <inheritdoc />
    public override bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteConstraint, SqliteExtendedErrorCode: SqliteConstraintPrimaryKey or SqliteConstraintUnique };

    /// <inheritdoc />
    public override Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        SqliteBusyRetry.RunAsync(work, timeProvider, cancellationToken);

    /// <inheritdoc />
    public override async ValueTask<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // WAL lets relays and readers work while a business transaction writes; the mode is stored in the file.
        using (var wal = connection.CreateCommand("PRAGMA journal_mode=WAL;"))
        {
            await wal.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // IMMEDIATE takes the write lock up front, so two processes starting together migrate one after the other.
        return await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task<bool> HistoryExistsAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = @name;", transaction)
            .With("name", Bulwark.Data.Schema.SchemaMigrator.HistoryTable);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    private static SqliteConnection AsSqlite(DbConnection connection) =>
        connection as SqliteConnection ?? throw new ArgumentException($"The SQLite dialect needs a {nameof(SqliteConnection)}, not {connection?.GetType().Name}.", nameof(connection));
}
