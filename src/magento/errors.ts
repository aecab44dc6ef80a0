// Magento's web API error body: {"message": template, "parameters": values}. The message
// keeps its %placeholders, as Magento sends it; clients substitute the parameters.
// One class for the store (src/shop) and the auth server's token services.

export type MagentoParameters = Record<string, string | number> | Array<string | number>;

export class MagentoError extends Error {
  readonly status: number;
  readonly parameters: MagentoParameters;
  constructor(status: number, message: string, parameters: MagentoParameters = []) {
    super(message);
    this.status = status;
    this.parameters = parameters;
  }
  toJSON(): Record<string, unknown> {
    return { message: this.message, parameters: this.parameters };
  }
}
