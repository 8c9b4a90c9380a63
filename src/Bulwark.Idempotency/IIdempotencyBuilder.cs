using Bulwark.Data;

namespace Bulwark.Idempotency;

/// <summary>Configures idempotency: choose a store with the adapter's <c>UseSqlite</c>, <c>UsePostgres</c> or <c>UseRedis</c>.</summary>
public interface IIdempotencyBuilder : ISqlStoreBuilder<IIdempotencyBuilder>
{
    // Named explicitly: a plain call would bind to this very member and recurse.
    IIdempotencyBuilder ISqlStoreBuilder<IIdempotencyBuilder>.UseSqlDatabase(Func<IServiceProvider, SqlDatabase> database) => IdempotencyBuilderSqlExtensions.UseSqlDatabase(this, database);
}
