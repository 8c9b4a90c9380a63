using Bulwark.Data;
using Bulwark.Data.Schema;
using Bulwark.Outbox;
using Bulwark.Sharding;

namespace Shop.Orders.Sharding;

/// <summary>
/// The order tables on every shard: <c>orders_orders</c> (the module's columns plus a revision and a commit sequence), the
/// shard's commit clock, and the shard's own outbox (<see cref="SqlOutboxStore"/>), so an order row and the event written
/// with it commit in one transaction on the customer's shard. Migrated on every shard in the host's starting phase.
/// </summary>
internal sealed class OrderShardTables : ISchemaOwner, IDisposable
{
    // commit_seq comes from the one clock row, updated in the writer's transaction: the row lock is held until commit, so
    // a later commit always has a higher sequence (a sequence or identity column would not: a number taken first can
    // commit last, and a move's watermark would step over it). revision orders two copies of one row (placed, finished).
    private const string Tables = """
        CREATE TABLE orders_orders (
            id                TEXT PRIMARY KEY,
            customer_id       TEXT   NOT NULL,
            status            TEXT   NOT NULL CHECK (status IN ('Pending', 'Confirmed', 'Rejected')),
            reason            TEXT,
            lines_json        TEXT   NOT NULL,
            total_cents       bigint NOT NULL,
            currency          TEXT   NOT NULL,
            shipping_postcode TEXT   NOT NULL,
            placed_at         TEXT   NOT NULL,
            updated_at        TEXT   NOT NULL,
            revision          integer NOT NULL,
            commit_seq        bigint NOT NULL
        );
        CREATE INDEX orders_orders_by_commit ON orders_orders (commit_seq);
        CREATE INDEX orders_orders_by_customer ON orders_orders (customer_id, placed_at);
        CREATE INDEX orders_orders_pending ON orders_orders (placed_at) WHERE status = 'Pending';
        CREATE TABLE orders_commit_clock (
            id  integer PRIMARY KEY CHECK (id = 1),
            seq bigint NOT NULL
        );
        INSERT INTO orders_commit_clock (id, seq) VALUES (1, 0);
        """;

    private static readonly SchemaComponent Schema = new SchemaComponent("orders-shard").For(SqlDialectNames.Postgres, Tables);

    private readonly TimeProvider _timeProvider;

    public OrderShardTables(IReadOnlyList<Shard> shards, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(shards);
        _timeProvider = timeProvider;
        Shards = shards.ToDictionary(
            s => s.Name,
            s => new OrderShard(s, new SqlOutboxStore(s.Database, timeProvider), new ShardWriteGuard(s.Buckets, OrderIds.BucketOfKey)),
            StringComparer.Ordinal);
    }

    /// <summary>Each shard's order tables, outbox and write guard by shard name.</summary>
    public IReadOnlyDictionary<string, OrderShard> Shards { get; }

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        foreach (var shard in Shards.Values)
        {
            await SchemaMigrator.MigrateAsync(shard.Shard.Database, Schema, _timeProvider, cancellationToken);
            await shard.Outbox.MigrateAsync(cancellationToken);
        }
    }

    public void Dispose()
    {
        foreach (var shard in Shards.Values)
        {
            shard.Outbox.Dispose();
        }
    }
}

/// <summary>One shard's order side: its database, its outbox, and the guard every order write runs first.</summary>
internal sealed record OrderShard(Shard Shard, SqlOutboxStore Outbox, ShardWriteGuard Guard)
{
    public SqlDatabase Database => Shard.Database;
}
