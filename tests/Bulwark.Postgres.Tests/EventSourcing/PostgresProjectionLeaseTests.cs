using Bulwark.EventSourcing;
using Npgsql;

namespace Bulwark.Postgres.Tests.EventSourcing;

/// <summary>
/// The projection writer lease on real PostgreSQL (a session advisory lock on a connection of its own). The race these
/// tests hunt came from CI: a host disposed its container (and with it the lease) while its projection runner was
/// pinging the held session, and the release command collided with the ping on one connection.
/// </summary>
public sealed class PostgresProjectionLeaseTests : IAsyncLifetime
{
    private const string Projection = "wallets";
    private readonly PostgresTestDatabase _database = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await _database.CreateAsync();

    public async ValueTask DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task TryHold_SecondProcess_FollowsUntilTheFirstReleases()
    {
        await using var first = new SqlProjectionLease(PostgresDatabase.Create(_database.DataSource));
        await using var second = new SqlProjectionLease(PostgresDatabase.Create(_database.DataSource));

        Assert.True(await first.TryHoldAsync(Projection, Ct));
        Assert.True(await first.TryHoldAsync(Projection, Ct)); // the held session still answers
        Assert.False(await second.TryHoldAsync(Projection, Ct));

        await first.ReleaseAsync(Projection);

        Assert.True(await second.TryHoldAsync(Projection, Ct));
    }

    [Fact]
    public async Task Dispose_WhileTheHolderIsPinging_NeverThrowsAndFreesTheLock()
    {
        // Repeated: the ping and the dispose have to overlap on the one held connection for the defect to show.
        for (var round = 0; round < 150; round++)
        {
            var lease = new SqlProjectionLease(PostgresDatabase.Create(_database.DataSource));
            Assert.True(await lease.TryHoldAsync(Projection, Ct));

            using var start = new Barrier(2);
            var pings = Task.Run(async () =>
            {
                start.SignalAndWait(Ct);
                for (var i = 0; i < 5; i++)
                {
                    // After the dispose a lease holds nothing: false, never an exception.
                    _ = await lease.TryHoldAsync(Projection, Ct);
                }
            }, Ct);
            var dispose = Task.Run(async () =>
            {
                start.SignalAndWait(Ct);
                await lease.DisposeAsync();
            }, Ct);

            await Task.WhenAll(pings, dispose);
            Assert.False(await lease.TryHoldAsync(Projection, Ct));
            Assert.True(await IsFreeAsync(), $"round {round}: the lock outlived the disposed lease");
        }
    }

    [Fact]
    public async Task Release_RacingTheHoldersOwnPing_LeavesTheLeaseConsistent()
    {
        await using var lease = new SqlProjectionLease(PostgresDatabase.Create(_database.DataSource));
        for (var round = 0; round < 150; round++)
        {
            Assert.True(await lease.TryHoldAsync(Projection, Ct));
            using var start = new Barrier(2);
            var ping = Task.Run(async () =>
            {
                start.SignalAndWait(Ct);
                return await lease.TryHoldAsync(Projection, Ct);
            }, Ct);
            var release = Task.Run(async () =>
            {
                start.SignalAndWait(Ct);
                await lease.ReleaseAsync(Projection);
            }, Ct);
            var pinged = await ping;
            await release;

            // Either order is fine; what must hold is that the lock is where the lease says it is.
            await lease.ReleaseAsync(Projection);
            Assert.True(await IsFreeAsync(), $"round {round}: the lock stayed held after its release (ping said {pinged})");
        }
    }

    // Another session takes the lock (and gives it back) when nobody holds it.
    private async Task<bool> IsFreeAsync()
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync(Ct);
        await using var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(@space, hashtext(@name));", connection);
        take.Parameters.AddWithValue("space", 0x0B17_0017);
        take.Parameters.AddWithValue("name", Projection);
        if (await take.ExecuteScalarAsync(Ct) is not true)
        {
            return false;
        }

        await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@space, hashtext(@name));", connection);
        release.Parameters.AddWithValue("space", 0x0B17_0017);
        release.Parameters.AddWithValue("name", Projection);
        await release.ExecuteScalarAsync(Ct);
        return true;
    }
}
