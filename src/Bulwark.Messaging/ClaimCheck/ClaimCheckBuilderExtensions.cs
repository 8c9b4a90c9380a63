using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.Messaging.ClaimCheck;

/// <summary>Turns on the claim check.</summary>
public static class ClaimCheckBuilderExtensions
{
    /// <summary>
    /// Sends bodies over the threshold through the blob store (the file-system store under <c>data/claim-checks</c>
    /// unless another <see cref="IBlobStore"/> is registered, e.g. by <c>UseAzureBlobStore</c>) and sweeps orphans by TTL.
    /// </summary>
    /// <param name="builder">The messaging builder.</param>
    /// <param name="configure">Adjusts the options.</param>
    /// <returns>The builder.</returns>
    public static IMessagingBuilder UseClaimCheck(this IMessagingBuilder builder, Action<ClaimCheckOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ClaimCheckOptions>().Configure(configure ?? (_ => { })).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FileSystemBlobStoreOptions>().ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IBlobStore>(sp => new FileSystemBlobStore(sp.GetRequiredService<IOptions<FileSystemBlobStoreOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.Replace(ServiceDescriptor.Singleton(sp => new ClaimCheckProcessor(sp.GetRequiredService<IOptions<ClaimCheckOptions>>(), sp.GetRequiredService<IBlobStore>())));
        services.TryAddSingleton(sp => new ClaimCheckSweeper(
            sp.GetRequiredService<IBlobStore>(),
            sp.GetRequiredService<IOptions<ClaimCheckOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ClaimCheckSweeper>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ClaimCheckSweeper>(sp => sp.GetRequiredService<ClaimCheckSweeper>()));
        return builder;
    }

    /// <summary>Uses the file-system blob store at <paramref name="rootPath"/>.</summary>
    /// <param name="builder">The messaging builder.</param>
    /// <param name="rootPath">The folder.</param>
    /// <returns>The builder.</returns>
    public static IMessagingBuilder UseFileSystemBlobStore(this IMessagingBuilder builder, string rootPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(rootPath);
        builder.Services.Configure<FileSystemBlobStoreOptions>(o => o.RootPath = rootPath);
        return builder;
    }
}
