using Bulwark.ControlRoom.Panels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bulwark.ControlRoom.Hosting;

/// <summary>Adds panels to the Control Room after <c>AddBulwarkControlRoom</c>.</summary>
public interface IControlRoomBuilder
{
    /// <summary>The services.</summary>
    IServiceCollection Services { get; }

    /// <summary>Adds a panel (scoped: resolved per request); panels appear in registration order, built-in ones first.</summary>
    /// <typeparam name="TPanel">The panel.</typeparam>
    /// <returns>This builder.</returns>
    IControlRoomBuilder WithPanel<TPanel>()
        where TPanel : class, IControlRoomPanel
    {
        Services.TryAddEnumerable(ServiceDescriptor.Scoped<IControlRoomPanel, TPanel>());
        return this;
    }
}
