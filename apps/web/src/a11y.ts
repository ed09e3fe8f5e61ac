/**
 * Ant Design's select and cascader keep an unnamed listbox (`<id>_list`) in the page for screen
 * readers. Name each after its field's label, so the list says what it lists (axe:
 * aria-input-field-name).
 */
export function nameListboxes(root: Document = document): void {
  const fix = () => {
    for (const list of root.querySelectorAll<HTMLElement>('[role="listbox"]:not([aria-label]):not([aria-labelledby])')) {
      const fieldId = list.id.replace(/_list$/, '');
      const label = fieldId ? root.querySelector(`label[for="${CSS.escape(fieldId)}"]`) : null;
      list.setAttribute('aria-label', label?.textContent?.trim() ? `${label.textContent.trim()}选项` : '选项');
    }
  };
  new MutationObserver(fix).observe(root.body, { childList: true, subtree: true });
  fix();
}
