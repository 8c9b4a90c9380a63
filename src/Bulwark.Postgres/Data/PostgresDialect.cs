using System.Data.Common;
using Bulwark.Data;
using Npgsql;
using NpgsqlTypes;

namespace Bulwark.Postgres;

/// <summary>
/// PostgreSQL's dialect: row locks with <c>FOR UPDATE SKIP LOCKED</c> and advisory locks, native <c>timestamptz</c>,
/// <c>uuid</c> and <c>jsonb</c>; migrations serialize on one advisory lock.
/// </summary>
public sealed class PostgresDialect : SqlDialect
{
    // Arbitrary but fixed: the advisory-lock key of Bulwark's migrations. One key for every component, so two
    // components migrating at once cannot race on creating the shared history table.
    private static readonly SqlWriterLock MigrationLock = SqlWriterLock.Of(0x0B17_0001_0000_0000);

    private PostgresDialect()
        : base(
            SqlDialectNames.Postgres,
            SqlConcurrency.RowLocks,
            migratesBesideOpenTransaction: true,
            new SqlTypeNames(
                Text: "text", Number: "integer", BigNumber: "bigint", Timestamp: "timestamptz", Bytes: "bytea", Json: "jsonb", Uuid: "uuid",
                IdentityKey: "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY"))
    {
    }

    /// <summary>The dialect (it has no state).</summary>
    public static PostgresDialect Instance { get; } = new();

    /// <inheritdoc />
    public override object Timestamp(DateTimeOffset value) => value.ToUniversalTime();

    /// <inheritdoc />
    public override DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.GetFieldValue<DateTimeOffset>(ordinal);
    }

    /// <inheritdoc />
    public override object Uuid(Guid value) => value;

    /// <inheritdoc />
    public override Guid ReadUuid(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.GetGuid(ordinal);
    }

    /// <inheritdoc />
    public override DbCommand WithJson(DbCommand command, string name, string? json)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameter = new NpgsqlParameter(name, NpgsqlDbType.Jsonb) { Value = (object?)json ?? DBNull.Value };
        command.Parameters.Add(parameter);
        return command;
    }

    /// <inheritdoc />
    public override async ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async ValueTask LockAsync(DbConnection connection, DbTransaction transaction, SqlWriterLock name, SqlWriterLockMode mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var function = mode == SqlWriterLockMode.Shared ? "pg_advisory_xact_lock_shared" : "pg_advisory_xact_lock";
        // The one-key and the two-key forms are different locks to PostgreSQL: the name keeps the form it was made with.
        using var command = name.Space is { } space
            ? connection.CreateCommand($"SELECT {function}(@space, @key);", transaction).With("space", space).With("key", checked((int)name.Key))
            : connection.CreateCommand($"SELECT {function}(@key);", transaction).With("key", name.Key);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <inheritdoc />
    public override async ValueTask<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LockAsync(connection, transaction, MigrationLock, SqlWriterLockMode.Exclusive, cancellationToken).ConfigureAwait(false);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public override async Task<bool> HistoryExistsAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand("SELECT to_regclass(@name) IS NOT NULL;", transaction)
            .With("name", Bulwark.Data.Schema.SchemaMigrator.HistoryTable);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
