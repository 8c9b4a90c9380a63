using BenchmarkDotNet.Attributes;
using Bulwark.Outbox;
using Bulwark.Postgres.Outbox;
using Bulwark.Sqlite.Outbox;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bulwark.Data.Benchmarks;

/// <summary>Outbox throughput: a business insert plus one enqueued event per transaction, and relay drain speed.</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class OutboxBenchmarks
{
    private const int DrainBatch = 2_000;
    private BenchDatabase _database = null!;
    private IOutbox _outbox = null!;
    private OutboxRelay _relay = null!;
    private int _next;

    [Params("sqlite", "postgres")]
    public string Provider { get; set; } = "sqlite";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _database = await BenchDatabase.CreateAsync(Provider);
        IOutboxStore store;
        if (_database.Postgres is { } postgres)
        {
            var outbox = new PostgresOutboxStore(postgres, TimeProvider.System);
            await outbox.MigrateAsync();
            (_outbox, store) = (outbox, outbox);
        }
        else
        {
            var outbox = new SqliteOutboxStore(_database.SqliteConnectionString, TimeProvider.System);
            await outbox.MigrateAsync();
            (_outbox, store) = (outbox, outbox);
        }

        await using var connection = await _database.OpenAsync();
        await using var create = connection.CreateCommand();
        create.CommandText = "CREATE TABLE bench_users (id VARCHAR(64) PRIMARY KEY, name VARCHAR(64) NOT NULL)";
        await create.ExecuteNonQueryAsync();
        _relay = new OutboxRelay(store, new NullTransport(), Options.Create(new OutboxRelayOptions { BatchSize = 200 }), TimeProvider.System, NullLogger<OutboxRelay>.Instance);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _relay.Dispose();
        await _database.DisposeAsync();
    }

    /// <summary>One transaction: insert a user row and enqueue UserRegistered.</summary>
    [Benchmark]
    public async Task WriteAndEnqueue()
    {
        var id = $"u-{Interlocked.Increment(ref _next)}-{Guid.NewGuid():N}";
        await using var connection = await _database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO bench_users (id, name) VALUES ('{id}', 'bench')";
            await insert.ExecuteNonQueryAsync();
        }

        await _outbox.EnqueueJsonAsync(connection, transaction, "users", id, new { userId = id });
        await transaction.CommitAsync();
    }

    [IterationSetup(Target = nameof(RelayDrain))]
    public void FillOutbox() => FillAsync().GetAwaiter().GetResult();

    /// <summary>Drains <see cref="DrainBatch"/> messages (batches of 200) through a transport that accepts at once.</summary>
    [Benchmark(OperationsPerInvoke = DrainBatch)]
    public async Task RelayDrain()
    {
        while ((await _relay.RunOnceAsync(CancellationToken.None)).Claimed > 0)
        {
        }
    }

    private async Task FillAsync()
    {
        await using var connection = await _database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        for (var i = 0; i < DrainBatch; i++)
        {
            await _outbox.EnqueueAsync(connection, transaction, "users", $"k{i % 50}", "{}"u8.ToArray());
        }

        await transaction.CommitAsync();
    }

    private sealed class NullTransport : IOutboxTransport
    {
        public Task PublishAsync(OutboxMessage message, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
