using Bulwark.Messaging;
using Bulwark.Messaging.ClaimCheck;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bulwark.AzureBlob.ClaimCheck;

/// <summary>Puts claim-check payloads in Azure Blob Storage.</summary>
public static class AzureBlobStoreBuilderExtensions
{
    /// <summary>Uses Azure Blob Storage as the claim-check <see cref="IBlobStore"/> (call <c>UseClaimCheck</c> too).</summary>
    /// <param name="builder">The messaging builder.</param>
    /// <param name="configure">Adjusts the options (connection string, container).</param>
    /// <returns>The builder.</returns>
    public static IMessagingBuilder UseAzureBlobStore(this IMessagingBuilder builder, Action<AzureBlobStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<AzureBlobStoreOptions>().Configure(configure ?? (_ => { })).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.Replace(ServiceDescriptor.Singleton<IBlobStore>(sp => new AzureBlobStore(
            sp.GetRequiredService<IOptions<AzureBlobStoreOptions>>().Value,
            sp.GetRequiredService<TimeProvider>())));
        return builder;
    }
}
