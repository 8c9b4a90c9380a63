using Bulwark.EventSourcing;
using Microsoft.Extensions.DependencyInjection;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Modules;

namespace Shop.Infrastructure.EventSourcing;

/// <summary>
/// One event log in the shop database shared by every event-sourced module (ADR 0002). Each module adds its own
/// event types to the one registry: <c>AddBulwarkEventSourcing</c> keeps only the first registry it is given, so a
/// second module calling it directly would lose its types silently.
/// </summary>
public static class ShopEventSourcingExtensions
{
    /// <summary>Adds the shop's event store on the shop database (once) and registers <paramref name="registerEvents"/> in the shared registry.</summary>
    public static IEventSourcingBuilder AddShopEventSourcing(this IServiceCollection services, Action<EventTypeRegistry> registerEvents)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(registerEvents);
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(EventTypeRegistry) && !d.IsKeyedService)?.ImplementationInstance as EventTypeRegistry;
        if (existing is null)
        {
            return services.AddShopDatabase().AddBulwarkEventSourcing(registerEvents).UseSqlDatabase(ShopDatabase.Resolve);
        }

        registerEvents(existing);
        return new Builder(services);
    }

    private sealed class Builder(IServiceCollection services) : IEventSourcingBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
