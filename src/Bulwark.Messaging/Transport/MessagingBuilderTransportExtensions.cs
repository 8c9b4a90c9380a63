using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Messaging.Transport;

/// <summary>What every transport adapter's <c>Use*</c> method does, in one place, so "the last one wins" holds for all.</summary>
public static class MessagingBuilderTransportExtensions
{
    /// <summary>
    /// Makes <typeparamref name="TTransport"/> the bus's transport, replacing any chosen before (the last <c>Use*</c>
    /// wins), with <typeparamref name="TOptions"/> validated at start.
    /// </summary>
    /// <typeparam name="TOptions">The transport's options.</typeparam>
    /// <typeparam name="TTransport">The transport.</typeparam>
    /// <param name="builder">The messaging builder.</param>
    /// <param name="configure">Adjusts the options.</param>
    /// <param name="create">Creates the transport from its options, the clock and its logger; it does no I/O.</param>
    /// <returns>The builder.</returns>
    public static IMessagingBuilder UseTransport<TOptions, TTransport>(
        this IMessagingBuilder builder,
        Action<TOptions>? configure,
        Func<TOptions, TimeProvider, ILogger<TTransport>, TTransport> create)
        where TOptions : class
        where TTransport : class, IMessageTransport
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(create);
        builder.Services.AddOptions<TOptions>().Configure(configure ?? (_ => { })).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.Replace(ServiceDescriptor.Singleton<IMessageTransport>(sp => create(
            sp.GetRequiredService<IOptions<TOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<TTransport>>())));
        return builder;
    }
}
