using Microsoft.Extensions.Logging;

namespace Bulwark.Messaging.Bus;

internal sealed partial class MessageBus
{
    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Subscription {Subscription} (topics {Topics}) consuming on {Transport}")]
    private static partial void LogSubscribed(ILogger logger, string subscription, IReadOnlyList<string> topics, string transport);
}
