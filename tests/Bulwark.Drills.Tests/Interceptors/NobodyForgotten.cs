using Bulwark.EventSourcing;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Drills.Tests.Interceptors;

/// <summary>
/// The shop whose data product builder is told no subject was ever forgotten, for the Data Mesh drill's failing half:
/// the erasure still shreds the key, but the next version keeps the forgotten customer's rows. Registered by tests only.
/// </summary>
internal sealed class NobodyForgotten : IForgottenSubjects
{
    /// <summary>Replaces the ledger the builder reads; call after the shop registered its event sourcing.</summary>
    public static void Register(IServiceCollection services)
    {
        services.Remove(services.Last(d => d.ServiceType == typeof(IForgottenSubjects)));
        services.AddSingleton<IForgottenSubjects, NobodyForgotten>();
    }

    public Task<bool> IsForgottenAsync(string subjectId, CancellationToken cancellationToken) => Task.FromResult(false);
}
