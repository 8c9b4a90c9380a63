namespace Shop.Inventory.Contracts;

/// <summary>Stock of one product: what is on the shelf, what is promised to pending orders, and what can still be sold.</summary>
public sealed record StockLevel(int ProductId, int OnHand, int Reserved)
{
    /// <summary>Units that can still be promised.</summary>
    public int Available => OnHand - Reserved;
}

/// <summary>One line of a reservation.</summary>
public sealed record ReservationLine(int ProductId, int Quantity);

/// <summary>How a reservation request ended.</summary>
public enum ReservationOutcome
{
    /// <summary>Every line is reserved.</summary>
    Reserved,

    /// <summary>At least one line had too little stock; nothing was reserved.</summary>
    InsufficientStock,

    /// <summary>At least one product is unknown; nothing was reserved.</summary>
    UnknownProduct,

    /// <summary>This reservation was released (compensated) before; it is never reserved again under the same id.</summary>
    Released,
}

/// <summary>The result of <see cref="IInventoryApi.ReserveAsync"/>.</summary>
public sealed record ReservationResult(string ReservationId, ReservationOutcome Outcome, int? ShortProductId = null);

/// <summary>What other modules may ask of the inventory.</summary>
public interface IInventoryApi
{
    /// <summary>The stock of <paramref name="productId"/>, or <see langword="null"/> for an unknown product.</summary>
    Task<StockLevel?> GetStockAsync(int productId, CancellationToken cancellationToken);

    /// <summary>
    /// Reserves every line or none. Idempotent by <paramref name="reservationId"/>: repeating a reservation that
    /// succeeded returns <see cref="ReservationOutcome.Reserved"/> without reserving twice (a retried saga step is safe).
    /// </summary>
    Task<ReservationResult> ReserveAsync(string reservationId, IReadOnlyList<ReservationLine> lines, CancellationToken cancellationToken);

    /// <summary>Releases a reservation (the compensation). Idempotent: releasing twice, or releasing an unknown id, is a no-op.</summary>
    Task ReleaseAsync(string reservationId, CancellationToken cancellationToken);

    /// <summary>Turns a reservation into a shipment: stock leaves the shelf. Idempotent.</summary>
    Task CommitAsync(string reservationId, CancellationToken cancellationToken);
}
