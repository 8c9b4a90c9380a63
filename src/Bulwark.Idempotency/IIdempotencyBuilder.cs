using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Idempotency;

/// <summary>Configures idempotency: choose a store with the adapter's <c>UseSqlite</c>, <c>UsePostgres</c> or <c>UseRedis</c>.</summary>
public interface IIdempotencyBuilder
{
    /// <summary>The service collection being configured.</summary>
    IServiceCollection Services { get; }
}
