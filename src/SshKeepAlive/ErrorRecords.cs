using System;
using System.Management.Automation;
using SshKeepAlive.Core.Errors;

namespace SshKeepAlive
{
    /// <summary>
    /// Every ErrorRecord of the module is made here, from an id of the one catalogue (<see cref="ErrorId"/>): the id,
    /// the category and advice <see cref="ErrorAdvice"/> gives it, a target.
    /// </summary>
    internal static class ErrorRecords
    {
        /// <summary>The record of a Core failure, about its own target or else <paramref name="fallbackTarget"/>.</summary>
        public static ErrorRecord From(SshKeepAliveException exception, object? fallbackTarget = null) =>
            Create(exception.Id, exception, exception.Target ?? fallbackTarget);

        public static ErrorRecord Create(ErrorId id, Exception exception, object? target, string? recommendedAction = null)
        {
            ErrorAdvice advice = ErrorAdvice.For(id);
            var record = new ErrorRecord(exception, id.ToString(), advice.Category, target);
            record.ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = recommendedAction ?? advice.Action };
            return record;
        }

        public static ErrorRecord Create(ErrorId id, string message, object? target, string? recommendedAction = null) =>
            Create(id, new InvalidOperationException(message), target, recommendedAction);
    }
}
