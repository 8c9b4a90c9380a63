using System.Collections.Concurrent;
using System.Text;
using Bulwark.Outbox;
using Bulwark.Postgres.Outbox;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace Bulwark.Postgres.Tests.Outbox;

/// <summary>The logical-replication relay against the real server (wal_level=logical).</summary>
public sealed class PostgresLogTailingRelayTests : IAsyncLifetime
{
    private readonly PostgresTestDatabase _database = new();
    private readonly string _slot = $"bt_{Guid.NewGuid():N}";
    private static readonly TimeSpan RelayBudget = TimeSpan.FromSeconds(120);
    private readonly FakeLogger<PostgresLogTailingRelay> _log = new();
    private PostgresLogTailingRelay? _relay;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await _database.CreateAsync();

    [Fact]
    public async Task LogTailing_CommittedInserts_RelayedInOrderPerKeyAndMarkedPublished()
    {
        using var store = new SqlOutboxStore(PostgresDatabase.Create(_database.DataSource), TimeProvider.System);
        await store.MigrateAsync(Ct);
        var transport = new Recorder(expected: 50);
        _relay = new PostgresLogTailingRelay(
            store,
            transport,
            Options.Create(new PostgresLogTailingOptions { ConnectionString = _database.ConnectionString, SlotName = _slot, PublicationName = _slot }),
            TimeProvider.System,
            _log);
        await _relay.StartAsync(Ct);
        await _relay.Ready.WaitAsync(RelayBudget, Ct);

        await using (var connection = await _database.DataSource.OpenConnectionAsync(Ct))
        {
            await using (var rolledBack = await connection.BeginTransactionAsync(Ct))
            {
                await store.EnqueueAsync(connection, rolledBack, "t", "k0", Encoding.UTF8.GetBytes("ghost"), cancellationToken: Ct);
                await rolledBack.RollbackAsync(Ct);
            }

            for (var batch = 0; batch < 5; batch++)
            {
                await using var transaction = await connection.BeginTransactionAsync(Ct);
                for (var i = 0; i < 10; i++)
                {
                    await store.EnqueueAsync(connection, transaction, "t", $"k{i % 5}", Encoding.UTF8.GetBytes($"k{i % 5}:{batch:D2}{i:D2}"), cancellationToken: Ct);
                }

                await transaction.CommitAsync(Ct);
            }
        }

        // Generous: what is tested is order and once-only, not speed. Logical decoding reads the whole cluster's WAL, and in
        // CI the other test classes write plenty of it at once (every CREATE DATABASE copies its template into the WAL);
        // one CI run under load took longer than 30 s here.
        try
        {
            await transport.All.Task.WaitAsync(RelayBudget, Ct);
        }
        catch (TimeoutException)
        {
            // What the relay said is what tells a slow machine from a relay that gave up.
            Assert.Fail($"{transport.Payloads.Count} of 50 messages relayed in {RelayBudget.TotalSeconds:0} s; the relay logged: "
                + string.Join(" | ", _log.Collector.GetSnapshot().Select(r => $"{r.Level} {r.Message} {r.Exception?.GetType().Name}: {r.Exception?.Message}")));
        }

        Assert.DoesNotContain("ghost", transport.Payloads);
        Assert.Equal(50, transport.Payloads.Distinct().Count());
        foreach (var key in transport.Payloads.GroupBy(p => p.Split(':')[0]))
        {
            Assert.Equal(key.Order(StringComparer.Ordinal), key);
        }

        // Marking happens right after the publish; wait for the backlog to drain, bounded.
        using var deadline = new CancellationTokenSource(RelayBudget);
        while ((await store.GetBacklogAsync(Ct)).Pending > 0)
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_relay is not null)
        {
            await _relay.StopAsync(CancellationToken.None);
            await _relay.DropSlotAsync(CancellationToken.None);
            _relay.Dispose();
        }

        await _database.DisposeAsync();
    }

    private sealed class Recorder(int expected) : IOutboxTransport
    {
        private readonly ConcurrentQueue<string> _payloads = new();

        public TaskCompletionSource All { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<string> Payloads => [.. _payloads];

        public Task PublishAsync(OutboxMessage message, CancellationToken cancellationToken)
        {
            _payloads.Enqueue(Encoding.UTF8.GetString(message.Payload.Span));
            if (_payloads.Count >= expected)
            {
                All.TrySetResult();
            }

            return Task.CompletedTask;
        }
    }
}
