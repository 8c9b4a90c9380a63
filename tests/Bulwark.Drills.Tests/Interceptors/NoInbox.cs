using System.Data.Common;
using Bulwark.Idempotency;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Drills.Tests.Interceptors;

/// <summary>
/// The shop with its consumers' inbox switched off, for the (message) Idempotency drill's failing half: every delivery
/// counts as the first, so a message the broker delivers twice is handled twice. Registered by tests only.
/// </summary>
internal sealed class NoInbox : IInbox
{
    /// <summary>Replaces the shop's inbox; call after the shop registered its messaging.</summary>
    public static void Register(IServiceCollection services)
    {
        services.Remove(services.Last(d => d.ServiceType == typeof(IInbox)));
        services.AddSingleton<IInbox, NoInbox>();
    }

    public Task<bool> TryRecordAsync(DbConnection connection, DbTransaction transaction, string consumer, Guid messageId, CancellationToken cancellationToken) =>
        Task.FromResult(true);
}
