using Bulwark.EventSourcing;
using Bulwark.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.Infrastructure.EventSourcing;

/// <summary>
/// One event log in the shop database shared by every event-sourced module (ADR 0002). Each module adds its own
/// event types to the one registry: <c>AddBulwarkEventSourcing</c> keeps only the first registry it is given, so a
/// second module calling it directly would lose its types silently.
/// </summary>
public static class ShopEventSourcingExtensions
{
    /// <summary>Adds the shop's SQLite event store (once) and registers <paramref name="registerEvents"/> in the shared registry.</summary>
    public static IEventSourcingBuilder AddShopEventSourcing(this IServiceCollection services, string connectionString, Action<EventTypeRegistry> registerEvents)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(registerEvents);
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(EventTypeRegistry) && !d.IsKeyedService)?.ImplementationInstance as EventTypeRegistry;
        if (existing is null)
        {
            return services.AddBulwarkEventSourcing(registerEvents).UseSqlite(connectionString);
        }

        registerEvents(existing);
        return new Builder(services);
    }

    private sealed class Builder(IServiceCollection services) : IEventSourcingBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
