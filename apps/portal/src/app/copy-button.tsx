import { useState } from 'react';

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Older embeddings without the async clipboard: a hidden selection.
  const area = document.createElement('textarea');
  area.value = text;
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

/** A button that copies `text` and says so. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <span className="copy">
      <button
        type="button"
        onClick={() =>
          copyText(text).then(
            () => setState('copied'),
            () => setState('failed'),
          )
        }
      >
        {label}
      </button>
      <span role="status" className="muted">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select the text and copy it' : ''}
      </span>
    </span>
  );
}

/** A secret shown once: the value, a copy button and a warning. */
export function OneTimeSecret({ secret, title }: { secret: string; title: string }) {
  return (
    <section className="secret" aria-label={title}>
      <h3>{title}</h3>
      <p>Copy it now: it is shown only once.</p>
      <code className="secret-value">{secret}</code>
      <CopyButton text={secret} label="Copy secret" />
    </section>
  );
}
