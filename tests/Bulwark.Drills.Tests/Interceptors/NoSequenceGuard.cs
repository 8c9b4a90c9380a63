using System.Data.Common;
using Bulwark.Idempotency;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Drills.Tests.Interceptors;

/// <summary>
/// The shop with its consumers' sequence guard switched off, for the Ordering drill's failing half: every event counts
/// as the newest, so the last one delivered wins, even an older one that arrived late. Registered by tests only.
/// </summary>
internal sealed class NoSequenceGuard : ISequenceGuard
{
    /// <summary>Replaces the shop's sequence guard; call after the shop registered its messaging.</summary>
    public static void Register(IServiceCollection services)
    {
        services.Remove(services.Last(d => d.ServiceType == typeof(ISequenceGuard)));
        services.AddSingleton<ISequenceGuard, NoSequenceGuard>();
    }

    public Task<bool> TryAdvanceAsync(DbConnection connection, DbTransaction transaction, string consumer, string entityKey, long sequence, CancellationToken cancellationToken) =>
        Task.FromResult(true);
}
