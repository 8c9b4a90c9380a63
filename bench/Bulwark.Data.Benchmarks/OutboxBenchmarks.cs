using System.Data.Common;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Bulwark.Outbox;
using Bulwark.Postgres;
using Bulwark.Sqlite;
using DotNetCore.CAP;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bulwark.Data.Benchmarks;

/// <summary>
/// Outbox, side by side in one run: a business insert plus one enqueued event per transaction, and the drain (from
/// committing <see cref="DrainCount"/> messages until the transport has received all of them), on Bulwark (PostgreSQL,
/// SQLite) and DotNetCore.CAP (same PostgreSQL). Each category's baseline is Bulwark on PostgreSQL, so the Ratio
/// column is "this ÷ Bulwark PostgreSQL" in time.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class OutboxBenchmarks
{
    private const string Write = "Insert + enqueue, 1 tx";
    private const string Drain = "Drain (per message)";
    private const int DrainCount = 2_000;
    private IOutboxCandidate _candidate = null!;

    [GlobalSetup(Targets = [nameof(Write_BulwarkPostgres), nameof(Drain_BulwarkPostgres)])]
    public async Task SetupBulwarkPostgresAsync() => _candidate = await BulwarkCandidate.CreateAsync("postgres");

    [GlobalSetup(Targets = [nameof(Write_BulwarkSqlite), nameof(Drain_BulwarkSqlite)])]
    public async Task SetupBulwarkSqliteAsync() => _candidate = await BulwarkCandidate.CreateAsync("sqlite");

    [GlobalSetup(Targets = [nameof(Write_Cap), nameof(Drain_Cap)])]
    public async Task SetupCapAsync() => _candidate = await CapCandidate.CreateAsync(parallelSend: false);

    [GlobalSetup(Targets = [nameof(Write_CapParallelSend), nameof(Drain_CapParallelSend)])]
    public async Task SetupCapParallelSendAsync() => _candidate = await CapCandidate.CreateAsync(parallelSend: true);

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_candidate is not null)
        {
            await _candidate.DisposeAsync();
        }
    }

    [IterationSetup(Targets = [nameof(Drain_BulwarkPostgres), nameof(Drain_BulwarkSqlite), nameof(Drain_Cap), nameof(Drain_CapParallelSend)])]
    public void StageDrain() => _candidate.StageAsync(DrainCount).GetAwaiter().GetResult();

    [Benchmark(Baseline = true), BenchmarkCategory(Write)]
    public Task Write_BulwarkPostgres() => _candidate.WriteAndEnqueueAsync();

    [Benchmark, BenchmarkCategory(Write)]
    public Task Write_Cap() => _candidate.WriteAndEnqueueAsync();

    /// <summary>CAP with <c>EnablePublishParallelSend</c>: the commit hands the message to the thread pool and returns.</summary>
    [Benchmark, BenchmarkCategory(Write)]
    public Task Write_CapParallelSend() => _candidate.WriteAndEnqueueAsync();

    [Benchmark, BenchmarkCategory(Write)]
    public Task Write_BulwarkSqlite() => _candidate.WriteAndEnqueueAsync();

    [Benchmark(Baseline = true, OperationsPerInvoke = DrainCount), BenchmarkCategory(Drain)]
    public Task Drain_BulwarkPostgres() => _candidate.CommitAndDrainAsync();

    [Benchmark(OperationsPerInvoke = DrainCount), BenchmarkCategory(Drain)]
    public Task Drain_Cap() => _candidate.CommitAndDrainAsync();

    /// <summary>CAP with <c>EnablePublishParallelSend</c> (off by default): sends and status updates run on the thread pool.</summary>
    [Benchmark(OperationsPerInvoke = DrainCount), BenchmarkCategory(Drain)]
    public Task Drain_CapParallelSend() => _candidate.CommitAndDrainAsync();

    [Benchmark(OperationsPerInvoke = DrainCount), BenchmarkCategory(Drain)]
    public Task Drain_BulwarkSqlite() => _candidate.CommitAndDrainAsync();

    private interface IOutboxCandidate : IAsyncDisposable
    {
        /// <summary>One transaction: insert a user row and enqueue UserRegistered.</summary>
        Task WriteAndEnqueueAsync();

        /// <summary>Enqueues <paramref name="count"/> messages in a transaction left open (not measured).</summary>
        Task StageAsync(int count);

        /// <summary>Commits the staged transaction and returns once the transport has received every staged message.</summary>
        Task CommitAndDrainAsync();
    }

    /// <summary>Bulwark: the relay claims batches of 200 from the outbox table and marks them dispatched.</summary>
    private sealed class BulwarkCandidate : IOutboxCandidate
    {
        private readonly BenchDatabase _database;
        private readonly IOutbox _outbox;
        private readonly OutboxRelay _relay;
        private readonly DeliveryCounter _counter = new();
        private DbConnection? _stagedConnection;
        private DbTransaction? _staged;
        private Task _allDelivered = Task.CompletedTask;
        private int _next;

        private BulwarkCandidate(BenchDatabase database, IOutbox outbox, IOutboxStore store)
        {
            _database = database;
            _outbox = outbox;
            _relay = new OutboxRelay(store, new CountingTransport(_counter), Options.Create(new OutboxRelayOptions { BatchSize = 200 }), TimeProvider.System, NullLogger<OutboxRelay>.Instance);
        }

        public static Task<IOutboxCandidate> CreateAsync(string provider)
        {
            return BenchDatabase.BuildAsync<IOutboxCandidate>(provider, async database =>
            {
                BulwarkCandidate candidate;
                if (database.Postgres is { } postgres)
                {
                    var outbox = new SqlOutboxStore(PostgresDatabase.Create(postgres), TimeProvider.System);
                    await outbox.MigrateAsync();
                    candidate = new BulwarkCandidate(database, outbox, outbox);
                }
                else
                {
                    var outbox = new SqlOutboxStore(SqliteDataSource.CreateDatabase(database.SqliteConnectionString), TimeProvider.System);
                    await outbox.MigrateAsync();
                    candidate = new BulwarkCandidate(database, outbox, outbox);
                }

                await using var connection = await database.OpenAsync();
                await using var create = connection.CreateCommand();
                create.CommandText = "CREATE TABLE bench_users (id VARCHAR(64) PRIMARY KEY, name VARCHAR(64) NOT NULL)";
                await create.ExecuteNonQueryAsync();
                return candidate;
            });
        }

        public async Task WriteAndEnqueueAsync()
        {
            var id = $"u-{Interlocked.Increment(ref _next)}-{Guid.NewGuid():N}";
            await using var connection = await _database.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO bench_users (id, name) VALUES (@id, 'bench')";
                var parameter = insert.CreateParameter();
                parameter.ParameterName = "id";
                parameter.Value = id;
                insert.Parameters.Add(parameter);
                await insert.ExecuteNonQueryAsync();
            }

            await _outbox.EnqueueJsonAsync(connection, transaction, "users", id, new UserRegistered(id));
            await transaction.CommitAsync();
        }

        public async Task StageAsync(int count)
        {
            _stagedConnection = await _database.OpenAsync();
            _staged = await _stagedConnection.BeginTransactionAsync();
            for (var i = 0; i < count; i++)
            {
                await _outbox.EnqueueJsonAsync(_stagedConnection, _staged, "users", $"k{i % 50}", new UserRegistered($"k{i}"));
            }

            _allDelivered = _counter.Expect(count);
        }

        public async Task CommitAndDrainAsync()
        {
            await _staged!.CommitAsync();
            await _staged.DisposeAsync();
            await _stagedConnection!.DisposeAsync();
            while ((await _relay.RunOnceAsync(CancellationToken.None)).Claimed > 0)
            {
            }

            if (!_allDelivered.IsCompleted)
            {
                throw new InvalidOperationException($"The relay stopped after {_counter.Count} messages.");
            }
        }

        public async ValueTask DisposeAsync()
        {
            _relay.Dispose();
            await _database.DisposeAsync();
        }

        private sealed class CountingTransport(DeliveryCounter counter) : IOutboxTransport
        {
            public Task PublishAsync(OutboxMessage message, CancellationToken cancellationToken)
            {
                counter.Add();
                return Task.CompletedTask;
            }
        }
    }

    /// <summary>
    /// CAP 10 with its PostgreSQL storage on the same server: <c>ICapPublisher.PublishAsync</c> inside a transaction
    /// opened with CAP's <c>BeginTransactionAsync</c> on an Npgsql connection stores the message in CAP's
    /// <c>published</c> table; at commit CAP hands the messages to its dispatcher, which sends each one through the
    /// transport and marks its row succeeded.
    /// </summary>
    private sealed class CapCandidate : IOutboxCandidate
    {
        private readonly BenchDatabase _database;
        private readonly ServiceProvider _services;
        private readonly ICapPublisher _publisher;
        private readonly DeliveryCounter _counter;
        private NpgsqlConnection? _stagedConnection;
        private ICapTransaction? _staged;
        private Task _allDelivered = Task.CompletedTask;
        private int _next;

        private CapCandidate(BenchDatabase database, ServiceProvider services)
        {
            _database = database;
            _services = services;
            _publisher = services.GetRequiredService<ICapPublisher>();
            _counter = services.GetRequiredService<DeliveryCounter>();
        }

        public static Task<IOutboxCandidate> CreateAsync(bool parallelSend)
        {
            return BenchDatabase.BuildAsync<IOutboxCandidate>("postgres", async database =>
            {
                var services = new ServiceCollection();
                services.AddLogging();
                services.AddCap(options =>
                {
                    options.UsePostgreSql(postgres => postgres.DataSource = database.Postgres);
                    options.RegisterExtension(new CountingCapTransportExtension(new DeliveryCounter()));
                    options.EnablePublishParallelSend = parallelSend;
                });
                var provider = services.BuildServiceProvider();
                await provider.GetRequiredService<IBootstrapper>().BootstrapAsync(CancellationToken.None);

                await using (var connection = await database.Postgres!.OpenConnectionAsync())
                await using (var create = new NpgsqlCommand("CREATE TABLE bench_users (id VARCHAR(64) PRIMARY KEY, name VARCHAR(64) NOT NULL)", connection))
                {
                    await create.ExecuteNonQueryAsync();
                }

                return new CapCandidate(database, provider);
            });
        }

        public async Task WriteAndEnqueueAsync()
        {
            var id = $"u-{Interlocked.Increment(ref _next)}-{Guid.NewGuid():N}";
            await using var connection = await _database.Postgres!.OpenConnectionAsync();
            using var transaction = await connection.BeginTransactionAsync(_publisher, autoCommit: false);
            await using (var insert = new NpgsqlCommand("INSERT INTO bench_users (id, name) VALUES (@id, 'bench')", connection, (NpgsqlTransaction)transaction.DbTransaction!))
            {
                insert.Parameters.AddWithValue("id", id);
                await insert.ExecuteNonQueryAsync();
            }

            await _publisher.PublishAsync("users", new UserRegistered(id));
            await transaction.CommitAsync();
        }

        public async Task StageAsync(int count)
        {
            _stagedConnection = await _database.Postgres!.OpenConnectionAsync();
            _staged = await _stagedConnection.BeginTransactionAsync(_publisher, autoCommit: false);
            for (var i = 0; i < count; i++)
            {
                await _publisher.PublishAsync("users", new UserRegistered($"k{i}"));
            }

            _allDelivered = _counter.Expect(count);
        }

        public async Task CommitAndDrainAsync()
        {
            await _staged!.CommitAsync();
            _staged.Dispose();
            await _stagedConnection!.DisposeAsync();
            await _allDelivered.WaitAsync(TimeSpan.FromMinutes(1));
        }

        public async ValueTask DisposeAsync()
        {
            await _services.GetRequiredService<IBootstrapper>().DisposeAsync();
            await _services.DisposeAsync();
            await _database.DisposeAsync();
        }
    }

    public sealed record UserRegistered(string UserId);
}
