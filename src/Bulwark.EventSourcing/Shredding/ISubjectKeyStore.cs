namespace Bulwark.EventSourcing;

/// <summary>
/// Per-data-subject encryption keys, kept apart from the events. Deleting a subject's key is the GDPR "forget":
/// the immutable events stay, but their personal fields can never be decrypted again.
/// </summary>
public interface ISubjectKeyStore
{
    /// <summary>Returns the subject's key, creating it on first use.</summary>
    /// <param name="subjectId">The data subject (e.g. a customer id).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A 256-bit key.</returns>
    /// <exception cref="SubjectForgottenException">The subject's key was deleted; no new personal data may be written for it.</exception>
    Task<byte[]> GetOrCreateKeyAsync(string subjectId, CancellationToken cancellationToken);

    /// <summary>Returns the subject's key, or <see langword="null"/> once it was deleted (or never existed).</summary>
    /// <param name="subjectId">The data subject.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The key or <see langword="null"/>.</returns>
    Task<byte[]?> GetKeyAsync(string subjectId, CancellationToken cancellationToken);

    /// <summary>Deletes the subject's key for good and remembers that it was forgotten.</summary>
    /// <param name="subjectId">The data subject.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> unless the subject was already forgotten.</returns>
    Task<bool> DeleteKeyAsync(string subjectId, CancellationToken cancellationToken);
}

/// <summary>Personal data was about to be written for a subject whose key was deleted.</summary>
public sealed class SubjectForgottenException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="subjectId">The forgotten subject.</param>
    public SubjectForgottenException(string subjectId)
        : base($"Data subject '{subjectId}' was forgotten; no personal data can be written for it.")
    {
        SubjectId = subjectId;
    }

    /// <summary>Creates the exception.</summary>
    public SubjectForgottenException()
        : this(string.Empty)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SubjectForgottenException(string message, Exception innerException)
        : base(message, innerException)
    {
        SubjectId = string.Empty;
    }

    /// <summary>The forgotten subject.</summary>
    public string SubjectId { get; }
}

/// <summary>
/// Which subjects were forgotten (their key deleted), as opposed to never having had a key: derived data that is not
/// encrypted, such as a data product keyed by customer, leaves a forgotten subject out of its next version.
/// </summary>
public interface IForgottenSubjects
{
    /// <summary>Whether <paramref name="subjectId"/> was forgotten.</summary>
    /// <param name="subjectId">The data subject.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> once the subject's key was deleted.</returns>
    Task<bool> IsForgottenAsync(string subjectId, CancellationToken cancellationToken);
}
