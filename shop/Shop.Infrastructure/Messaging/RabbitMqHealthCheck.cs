using Bulwark.RabbitMQ.Messaging;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Shop.Infrastructure.Messaging;

/// <summary>Readiness: the configured RabbitMQ broker accepts an AMQP connection.</summary>
public sealed class RabbitMqHealthCheck(IOptions<RabbitMqTransportOptions> options) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var factory = new ConnectionFactory
        {
            Uri = options.Value.ConnectionUri,
            ClientProvidedName = options.Value.ClientName + "-health",
            RequestedConnectionTimeout = TimeSpan.FromSeconds(2),
            AutomaticRecoveryEnabled = false,
        };
        try
        {
            await using var connection = await factory.CreateConnectionAsync(cancellationToken);
            return connection.IsOpen
                ? HealthCheckResult.Healthy($"RabbitMQ at {options.Value.ConnectionUri.Host}:{options.Value.ConnectionUri.Port} answers")
                : HealthCheckResult.Unhealthy("RabbitMQ connection is not open");
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException or TimeoutException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return HealthCheckResult.Unhealthy($"RabbitMQ unreachable: {e.Message}");
        }
    }
}
