using Yarp.ReverseProxy.Forwarder;

namespace Bulwark.Sidecar.Proxy;

/// <summary>Gives YARP, for each upstream's cluster, an invoker whose calls go through the upstream's Bulwark pipeline.</summary>
internal sealed class SidecarForwarderClientFactory(IHttpMessageHandlerFactory handlers, SidecarMetrics metrics) : IForwarderHttpClientFactory
{
    public HttpMessageInvoker CreateClient(ForwarderHttpClientContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.OldClient is not null && context.NewConfig == context.OldConfig)
        {
            return context.OldClient;
        }

        // The cluster is named after its upstream (SidecarProxyConfig). The factory owns the inner handlers' lifetimes.
        var upstream = context.ClusterId;
        var handler = new UpstreamHandler(
            upstream,
            new HttpMessageInvoker(handlers.CreateHandler(SidecarClients.Retrying(upstream)), disposeHandler: false),
            new HttpMessageInvoker(handlers.CreateHandler(SidecarClients.SingleAttempt(upstream)), disposeHandler: false),
            metrics);
        return new HttpMessageInvoker(handler, disposeHandler: true);
    }
}
