import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The machine running the tests is shared: give lazy-loaded extensions and
// chained requests time to settle before a findBy* gives up, and tests with
// several such steps time to finish.
configure({ asyncUtilTimeout: 15_000 });
jest.setTimeout(60_000);
