/** Every recipe `npm run train` knows. To add one: write recipes/<name>.ts exporting a Recipe, and list it here. */
import type { Recipe } from "../recipe.ts";
import { digits } from "./digits.ts";
import { penguins } from "./penguins.ts";
import { seedMlp } from "./seed-mlp.ts";

export const RECIPES: readonly Recipe[] = [digits, penguins, seedMlp];

export function findRecipe(name: string): Recipe {
  const recipe = RECIPES.find((r) => r.name === name);
  if (!recipe) throw new Error(`unknown recipe '${name}'; recipes: ${RECIPES.map((r) => r.name).join(", ")}`);
  return recipe;
}
