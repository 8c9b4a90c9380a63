using Bulwark.Data;

namespace Bulwark.Idempotency;

/// <summary>Configures idempotency: choose a store with the adapter's <c>UseSqlite</c>, <c>UsePostgres</c> or <c>UseRedis</c>.</summary>
public interface IIdempotencyBuilder : ISqlStoreBuilder<IIdempotencyBuilder>
{
    // Idempotency keys, the consumer inbox and the sequence guard in the database, migrated in the host's starting phase; the adapters'
    // UseSqlite/UsePostgres call this.
    IIdempotencyBuilder ISqlStoreBuilder<IIdempotencyBuilder>.UseSqlDatabase(Func<IServiceProvider, SqlDatabase> database)
    {
        Services.AddSqlStore(database, static (db, clock) => new SqlIdempotencyStore(db, clock))
            .AddSqlStorePort<IIdempotencyStore, SqlIdempotencyStore>();
        return this.UseSqlInbox(database).UseSqlSequenceGuard(database);
    }
}
