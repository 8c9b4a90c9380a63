using Microsoft.Extensions.DependencyInjection;
using Shop.Inventory.Contracts;

namespace Bulwark.Drills.Tests.Interceptors;

/// <summary>
/// The shop with a saga compensation switched off, for the Partial Failure drill's failing half: releasing a
/// reservation does nothing, so every rejected order leaves its units reserved — a zombie reservation. Tests only.
/// </summary>
internal sealed class ForgetfulInventory(IInventoryApi inner) : IInventoryApi
{
    /// <summary>Wraps the shop's registered inventory; call after the shop registered its modules.</summary>
    public static void Register(IServiceCollection services)
    {
        var original = services.Last(d => d.ServiceType == typeof(IInventoryApi));
        services.Remove(original);
        services.AddSingleton<IInventoryApi>(sp => new ForgetfulInventory((IInventoryApi)(original.ImplementationInstance
            ?? original.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!))));
    }

    public Task<StockLevel?> GetStockAsync(int productId, CancellationToken cancellationToken) => inner.GetStockAsync(productId, cancellationToken);

    public Task<ReservationResult> ReserveAsync(string reservationId, IReadOnlyList<ReservationLine> lines, CancellationToken cancellationToken) =>
        inner.ReserveAsync(reservationId, lines, cancellationToken);

    public Task ReleaseAsync(string reservationId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task CommitAsync(string reservationId, CancellationToken cancellationToken) => inner.CommitAsync(reservationId, cancellationToken);
}
