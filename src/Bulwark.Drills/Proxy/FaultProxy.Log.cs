using System.Net;
using Microsoft.Extensions.Logging;

namespace Bulwark.Drills.Proxy;

public sealed partial class FaultProxy
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Fault proxy listening on {EndPoint}, forwarding to {UpstreamHost}:{UpstreamPort}")]
    private static partial void LogStarted(ILogger logger, IPEndPoint endPoint, string upstreamHost, int upstreamPort);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Fault proxy {EndPoint} faults now {Faults}")]
    private static partial void LogFaultsChanged(ILogger logger, IPEndPoint endPoint, ProxyFaults faults);

    [LoggerMessage(EventId = 202, Level = LogLevel.Debug, Message = "Proxied connection {ConnectionId} ended abruptly")]
    private static partial void LogConnectionEnded(ILogger logger, long connectionId, Exception exception);
}
