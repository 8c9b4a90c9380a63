using Microsoft.Data.Sqlite;

namespace Bulwark.Drills.SilentFailure;

/// <summary>
/// The fault: the drill's own connection holds <c>BEGIN EXCLUSIVE</c> on a SQLite database file, as a stuck batch job, a
/// backup tool or a forgotten console would. In WAL mode readers still pass; every writer waits out its busy timeout and
/// fails. Disposing rolls back and closes, which releases the lock.
/// </summary>
internal sealed class SqliteDatabaseLock : IAsyncDisposable
{
    private readonly SqliteConnection _connection;

    private SqliteDatabaseLock(SqliteConnection connection) => _connection = connection;

    /// <summary>Takes the lock, waiting up to <paramref name="acquireTimeout"/> for the shop's own writers to let go.</summary>
    /// <exception cref="SqliteException">The file is not a database, or the lock was not free in time.</exception>
    public static async Task<SqliteDatabaseLock> TakeAsync(string path, TimeSpan acquireTimeout, CancellationToken cancellationToken)
    {
        // Not pooled: closing must release the file, not hand a locked handle to a pool. ReadWrite, never Create: a
        // wrong path must fail, not lock a new empty file while the shop carries on.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(acquireTimeout.TotalSeconds),
        }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA busy_timeout={(int)acquireTimeout.TotalMilliseconds}; BEGIN EXCLUSIVE;";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return new SqliteDatabaseLock(connection);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Rolls back (nothing was written) and closes.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "ROLLBACK;";
            await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            // Closing an unpooled connection releases its locks even if the rollback failed.
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
