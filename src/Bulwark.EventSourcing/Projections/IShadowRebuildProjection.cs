namespace Bulwark.EventSourcing;

/// <summary>
/// A projection that can be rebuilt beside its live read model and swapped in when the replay is complete, so readers
/// keep the whole (if older) read model during a rebuild instead of watching it refill from empty.
/// <see cref="ProjectionRunner.RebuildAsync"/> uses these members instead of <see cref="IProjection.ResetAsync"/>.
/// </summary>
public interface IShadowRebuildProjection : IProjection
{
    /// <summary>Creates an empty shadow read model, discarding what an interrupted rebuild may have left.</summary>
    /// <param name="cancellationToken">Cancels the preparation.</param>
    /// <returns>A task that completes when the shadow is empty and ready.</returns>
    Task BeginShadowAsync(CancellationToken cancellationToken);

    /// <summary>Applies one event to the shadow read model (same rules as <see cref="IProjection.ApplyAsync"/>).</summary>
    /// <param name="recorded">The stored event.</param>
    /// <param name="domainEvent">The deserialized event.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task that completes when the shadow is updated.</returns>
    Task ApplyToShadowAsync(RecordedEvent recorded, object domainEvent, CancellationToken cancellationToken);

    /// <summary>Replaces the live read model with the shadow in one step readers cannot see half of.</summary>
    /// <param name="cancellationToken">Cancels the swap (before it commits).</param>
    /// <returns>A task that completes when the shadow is live.</returns>
    Task SwapShadowAsync(CancellationToken cancellationToken);
}
