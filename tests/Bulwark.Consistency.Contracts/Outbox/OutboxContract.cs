using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Bulwark.Outbox;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Consistency.Contracts.Outbox;

/// <summary>
/// What every outbox adapter must do: atomic enqueue with the business row, claims that release on crash,
/// at-least-once relay in order per partition key, and several relays without double publishing.
/// </summary>
/// <typeparam name="TStore">The adapter's store, both sides of the outbox.</typeparam>
public abstract class OutboxContract<TStore> : IAsyncLifetime
    where TStore : IOutbox, IOutboxStore, IDisposable
{
    private readonly List<IDisposable> _stores = [];

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Creates the isolated database of this test class.</summary>
    public abstract ValueTask InitializeAsync();

    /// <summary>Drops the database.</summary>
    public virtual ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>Opens a connection to the database of the outbox (the business database).</summary>
    protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Creates a new, migrated outbox instance over the same database (a second instance = a second relay process).</summary>
    protected abstract Task<TStore> CreateOutboxCoreAsync(CancellationToken cancellationToken);

    [Fact]
    public async Task Enqueue_TransactionRolledBack_NeitherRowNorMessage()
    {
        var outbox = await CreateOutboxAsync();
        await EnsureOrdersTableAsync();

        await using (var connection = await OpenConnectionAsync(Ct))
        await using (var transaction = await connection.BeginTransactionAsync(Ct))
        {
            await InsertOrderAsync(connection, transaction, "o-1");
            await outbox.EnqueueAsync(connection, transaction, "orders", "o-1", Encoding.UTF8.GetBytes("placed"), cancellationToken: Ct);
            await transaction.RollbackAsync(Ct);
        }

        await using var claim = await outbox.ClaimAsync(10, Ct);
        Assert.Empty(claim.Messages);
        Assert.Equal(0, await CountOrdersAsync());
    }

    [Fact]
    public async Task Enqueue_TransactionCommitted_ClaimedWithPayloadInPositionOrder()
    {
        var outbox = await CreateOutboxAsync();
        await EnsureOrdersTableAsync();
        var headers = new Dictionary<string, string> { ["traceparent"] = "00-abc-def-01" };

        await using (var connection = await OpenConnectionAsync(Ct))
        await using (var transaction = await connection.BeginTransactionAsync(Ct))
        {
            await InsertOrderAsync(connection, transaction, "o-1");
            await outbox.EnqueueAsync(connection, transaction, "orders", "o-1", Encoding.UTF8.GetBytes("first"), new OutboxEnqueueOptions { Headers = headers }, Ct);
            await outbox.EnqueueAsync(connection, transaction, "orders", "o-1", Encoding.UTF8.GetBytes("second"), cancellationToken: Ct);
            await transaction.CommitAsync(Ct);
        }

        await using var claim = await outbox.ClaimAsync(10, Ct);
        Assert.Equal(["first", "second"], claim.Messages.Select(m => Encoding.UTF8.GetString(m.Payload.Span)));
        Assert.True(claim.Messages[0].Position < claim.Messages[1].Position);
        Assert.Equal("00-abc-def-01", claim.Messages[0].Headers["traceparent"]);
        Assert.Equal(Time.GetUtcNow(), claim.Messages[0].CreatedAt);
        Assert.Equal(1, await CountOrdersAsync());
    }

    [Fact]
    public async Task Enqueue_ForeignTransaction_Throws()
    {
        var outbox = await CreateOutboxAsync();
        await using var connection = await OpenConnectionAsync(Ct);
        await using var other = await OpenConnectionAsync(Ct);
        await using var transaction = await other.BeginTransactionAsync(Ct);

        await Assert.ThrowsAsync<ArgumentException>(() => outbox.EnqueueAsync(connection, transaction, "orders", "k", new byte[1], cancellationToken: Ct));
    }

    [Fact]
    public async Task Claim_DisposedWithoutComplete_MessagesClaimableAgain()
    {
        var outbox = await CreateOutboxAsync();
        await EnqueueCommittedAsync(outbox, ("k", "a"), ("k", "b"));

        await using (var claim = await outbox.ClaimAsync(10, Ct))
        {
            Assert.Equal(2, claim.Messages.Count);
        }

        await using var again = await outbox.ClaimAsync(10, Ct);
        Assert.Equal(2, again.Messages.Count);
    }

    [Fact]
    public async Task Complete_PublishedMessages_NotClaimedAgainAndBacklogShrinks()
    {
        var outbox = await CreateOutboxAsync();
        await EnqueueCommittedAsync(outbox, ("k", "a"), ("k", "b"), ("j", "c"));
        Assert.Equal(3, (await outbox.GetBacklogAsync(Ct)).Pending);

        await using (var claim = await outbox.ClaimAsync(10, Ct))
        {
            await claim.CompleteAsync([claim.Messages[0].Position, claim.Messages[2].Position], Ct);
        }

        await using var again = await outbox.ClaimAsync(10, Ct);
        Assert.Equal(["b"], again.Messages.Select(m => Encoding.UTF8.GetString(m.Payload.Span)));
        var backlog = await outbox.GetBacklogAsync(Ct);
        Assert.Equal(1, backlog.Pending);
        Assert.Equal(Time.GetUtcNow(), backlog.OldestCreatedAt);
    }

    [Fact]
    public async Task PurgePublished_OlderThanRetention_DeletesOnlyPublished()
    {
        var outbox = await CreateOutboxAsync();
        await EnqueueCommittedAsync(outbox, ("k", "a"), ("k", "b"));
        await using (var claim = await outbox.ClaimAsync(1, Ct))
        {
            await claim.CompleteAsync([claim.Messages[0].Position], Ct);
        }

        Time.Advance(TimeSpan.FromDays(8));
        Assert.Equal(1, await outbox.PurgePublishedAsync(Time.GetUtcNow() - TimeSpan.FromDays(7), Ct));
        Assert.Equal(1, (await outbox.GetBacklogAsync(Ct)).Pending);
    }

    [Fact]
    public async Task Relay_CrashMidBatch_CommittedMessagesRelayedAfterRestartAndRolledBackNever()
    {
        var outbox = await CreateOutboxAsync();
        await EnsureOrdersTableAsync();
        await using (var connection = await OpenConnectionAsync(Ct))
        {
            await using (var rolledBack = await connection.BeginTransactionAsync(Ct))
            {
                await InsertOrderAsync(connection, rolledBack, "ghost");
                await outbox.EnqueueAsync(connection, rolledBack, "orders", "ghost", Encoding.UTF8.GetBytes("ghost"), cancellationToken: Ct);
                await rolledBack.RollbackAsync(Ct);
            }

            await using var committed = await connection.BeginTransactionAsync(Ct);
            for (var i = 0; i < 5; i++)
            {
                await InsertOrderAsync(connection, committed, $"o-{i}");
                await outbox.EnqueueAsync(connection, committed, "orders", $"o-{i}", Encoding.UTF8.GetBytes($"o-{i}"), cancellationToken: Ct);
            }

            await committed.CommitAsync(Ct);
        }

        // The first relay hangs on the third message and is stopped there: the "crash".
        var hanging = new HangingTransport(hangOn: 3);
        var first = CreateRelay(outbox, hanging, batchSize: 10);
        await first.StartAsync(Ct);
        await hanging.Hung.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await first.StopAsync(Ct);
        first.Dispose();

        var received = new RecordingTransport();
        var second = CreateRelay(outbox, received, batchSize: 10);
        await DrainAsync(second, expected: 5, received);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"o-{i}"), received.Payloads);
        Assert.DoesNotContain("ghost", received.Payloads);
        Assert.Equal(0, (await outbox.GetBacklogAsync(Ct)).Pending);
    }

    [Fact]
    public async Task Relay_TransportRejectsMessage_LaterMessagesOfItsKeyWaitOthersFlow()
    {
        var outbox = await CreateOutboxAsync();
        await EnqueueCommittedAsync(outbox, ("a", "a1"), ("b", "b1"), ("a", "a2"), ("b", "b2"));
        var transport = new RecordingTransport { FailOnce = "a1" };
        var relay = CreateRelay(outbox, transport, batchSize: 10);

        var result = await relay.RunOnceAsync(Ct);
        Assert.Equal(new OutboxRelayResult(4, 2, 2), result);
        Assert.Equal(["b1", "b2"], transport.Payloads);

        await relay.RunOnceAsync(Ct);
        Assert.Equal(["b1", "b2", "a1", "a2"], transport.Payloads);
    }

    [Fact]
    public async Task Relays_SeveralConcurrent_NoDoublePublishAndOrderPerKeyKept()
    {
        const int Keys = 12;
        const int PerKey = 40;
        for (var round = 0; round < 3; round++)
        {
            var outbox = await CreateOutboxAsync();
            var items = new List<(string Key, string Payload)>();
            for (var i = 0; i < PerKey; i++)
            {
                for (var k = 0; k < Keys; k++)
                {
                    items.Add(($"r{round}-k{k}", $"r{round}-k{k}:{i:D4}"));
                }
            }

            await EnqueueCommittedAsync(outbox, [.. items]);
            var received = new RecordingTransport { YieldEach = true };
            var relays = new List<OutboxRelay>();
            for (var r = 0; r < 3; r++)
            {
                relays.Add(CreateRelay(await CreateOutboxAsync(), received, batchSize: 7));
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            await Task.WhenAll(relays.Select(relay => Task.Run(async () =>
            {
                while (received.Count < items.Count)
                {
                    await relay.RunOnceAsync(timeout.Token);
                }
            }, timeout.Token)));

            Assert.Equal(items.Count, received.Count);
            Assert.Equal(items.Count, received.Payloads.Distinct().Count());
            foreach (var group in received.Payloads.GroupBy(p => p.Split(':')[0]))
            {
                var sequence = group.ToList();
                Assert.Equal(sequence.Order(StringComparer.Ordinal), sequence);
            }

            foreach (var relay in relays)
            {
                relay.Dispose();
            }

            // Next round starts from an empty backlog.
            Assert.Equal(0, (await outbox.GetBacklogAsync(Ct)).Pending);
        }
    }

    [Fact]
    public async Task Migrate_SecondInstance_AppliesNothingAndKeepsData()
    {
        var outbox = await CreateOutboxAsync();
        await EnqueueCommittedAsync(outbox, ("k", "kept"));
        var second = await CreateOutboxAsync();
        Assert.Equal(1, (await second.GetBacklogAsync(Ct)).Pending);
    }

    protected async Task<TStore> CreateOutboxAsync()
    {
        var outbox = await CreateOutboxCoreAsync(Ct);
        _stores.Add(outbox);
        return outbox;
    }

    protected OutboxRelay CreateRelay(IOutboxStore store, IOutboxTransport transport, int batchSize) =>
        new(store, transport, Options.Create(new OutboxRelayOptions { BatchSize = batchSize }), Time, NullLogger<OutboxRelay>.Instance);

    protected async Task EnqueueCommittedAsync(IOutbox outbox, params (string Key, string Payload)[] messages)
    {
        await using var connection = await OpenConnectionAsync(Ct);
        await using var transaction = await connection.BeginTransactionAsync(Ct);
        foreach (var (key, payload) in messages)
        {
            await outbox.EnqueueAsync(connection, transaction, "test", key, Encoding.UTF8.GetBytes(payload), cancellationToken: Ct);
        }

        await transaction.CommitAsync(Ct);
    }

    private static async Task DrainAsync(OutboxRelay relay, int expected, RecordingTransport received)
    {
        for (var i = 0; i < 100 && received.Count < expected; i++)
        {
            await relay.RunOnceAsync(Ct);
        }
    }

    private async Task EnsureOrdersTableAsync()
    {
        await using var connection = await OpenConnectionAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE IF NOT EXISTS contract_orders (id VARCHAR(64) PRIMARY KEY)";
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task InsertOrderAsync(DbConnection connection, DbTransaction transaction, string id)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO contract_orders (id) VALUES (@id)";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "id";
        parameter.Value = id;
        command.Parameters.Add(parameter);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task<long> CountOrdersAsync()
    {
        await using var connection = await OpenConnectionAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM contract_orders";
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Records payloads in publish order.</summary>
    protected sealed class RecordingTransport : IOutboxTransport
    {
        private readonly ConcurrentQueue<string> _payloads = new();

        public string? FailOnce { get; set; }

        public bool YieldEach { get; init; }

        public int Count => _payloads.Count;

        public IReadOnlyList<string> Payloads => [.. _payloads];

        public async Task PublishAsync(OutboxMessage message, CancellationToken cancellationToken)
        {
            var payload = Encoding.UTF8.GetString(message.Payload.Span);
            if (payload == FailOnce)
            {
                FailOnce = null;
                throw new InvalidOperationException("broker said no");
            }

            if (YieldEach)
            {
                // Gives the other relays a chance to interleave while this claim is open.
                await Task.Yield();
            }

            _payloads.Enqueue(payload);
        }
    }

    private sealed class HangingTransport(int hangOn) : IOutboxTransport
    {
        private readonly TaskCompletionSource _hung = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _count;

        public Task Hung => _hung.Task;

        public async Task PublishAsync(OutboxMessage message, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _count) == hangOn)
            {
                _hung.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
        }
    }
}
